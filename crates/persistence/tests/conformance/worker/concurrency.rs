//! Many workers on one queue: every run executed exactly once, its site stored and published,
//! with the company's data on it and nothing unescaped.

use prosektor_application::services::Services;

use super::*;
use crate::support::{database, wide_pool};

const WORKERS: usize = 4;
const RUNS_PER_WORKER: usize = 20;

/// Checks that `html` is a whole HTML5 document whose elements are properly nested.
fn assert_valid_html(html: &str) {
    const VOID: [&str; 6] = ["meta", "link", "br", "hr", "img", "input"];
    assert!(html.starts_with("<!DOCTYPE html>"), "doctype");
    assert!(html.trim_end().ends_with("</html>"), "ends with </html>");
    let mut open: Vec<String> = Vec::new();
    for tag in html
        .split('<')
        .skip(1)
        .filter_map(|rest| rest.split('>').next())
    {
        if tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if tag.starts_with('/') {
            assert_eq!(
                open.pop().as_deref(),
                Some(name.as_str()),
                "closing </{name}>"
            );
        } else if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            open.push(name);
        }
    }
    assert!(open.is_empty(), "unclosed elements: {open:?}");
    for element in ["<html lang=\"tr\">", "<head>", "<title>", "<body>"] {
        assert!(html.contains(element), "has {element}");
    }
}

#[tokio::test]
async fn four_workers_execute_eighty_runs_exactly_once() {
    let database = database().await;
    let pool = wide_pool(&database).await;
    let ports = template_ports(&pool);
    let mut projects = Vec::new();
    for index in 0..WORKERS * RUNS_PER_WORKER {
        let (_, project) = tenant(&pool, &format!("OSGB {index:02}")).await;
        projects.push((project, start(&ports, project).await.id()));
    }

    let mut tasks = Vec::new();
    for index in 0..WORKERS {
        let worker = worker(&ports, &format!("w{index}"));
        tasks.push(tokio::spawn(async move {
            let mut executed = 0;
            while worker.run_once().await.expect("run_once") {
                executed += 1;
            }
            executed
        }));
    }
    let mut executed = 0;
    for task in tasks {
        executed += task.await.expect("worker task");
    }
    assert_eq!(executed, WORKERS * RUNS_PER_WORKER);

    for (index, (project, run)) in projects.into_iter().enumerate() {
        assert_succeeded_once(&stored(&ports, run).await);
        let log = log(&ports, run).await;
        let gathered = log.iter().filter(|line| line.starts_with("[1/5]")).count();
        assert_eq!(gathered, 1, "run {run} executed once: {log:?}");
        assert_eq!(log.last().map(String::as_str), Some("run succeeded"));
        assert_eq!(rows(&pool, "pipeline_run_pages", run).await, 4);
        assert_eq!(published(&pool, project).await, Some(run.as_uuid()));
        let home = Services::new(&ports)
            .runs
            .site_page(&admin(), project, "index.html")
            .await
            .unwrap();
        assert!(home.body().contains(&format!("OSGB {index:02}")));
    }
}

#[tokio::test]
async fn the_published_site_is_valid_html_with_the_companys_data() {
    let database = database().await;
    let ports = template_ports(database.connection());
    let (company, project) = tenant(database.connection(), "Ege İSG Hizmetleri").await;
    let run = start(&ports, project).await;
    assert_eq!(worker(&ports, "w").run_once().await, Ok(true));
    assert_succeeded_once(&stored(&ports, run.id()).await);

    let services = Services::new(&ports);
    let client = Actor::from(&User::new_client(
        UserId::new_v7(),
        Email::parse("ayse@ege.example.com").unwrap(),
        password_hash("c"),
        company,
        now(),
    ));
    for path in [
        "index.html",
        "hizmetler.html",
        "hakkimizda.html",
        "iletisim.html",
    ] {
        let page = services
            .runs
            .site_page(&client, project, path)
            .await
            .unwrap();
        assert_valid_html(page.body());
        assert!(page.body().contains("Ege İSG Hizmetleri"), "{path}");
    }
    let home = services
        .runs
        .run_page(&client, run.id(), "index.html")
        .await;
    assert!(home.unwrap().body().contains("İzmir"));
}

#[tokio::test]
async fn a_company_named_like_a_script_appears_only_escaped() {
    let database = database().await;
    let ports = template_ports(database.connection());
    let (_, project) = tenant(database.connection(), "<script>alert(1)</script>").await;
    let run = start(&ports, project).await;
    assert_eq!(worker(&ports, "w").run_once().await, Ok(true));
    assert_succeeded_once(&stored(&ports, run.id()).await);
    let services = Services::new(&ports);
    for path in [
        "index.html",
        "hizmetler.html",
        "hakkimizda.html",
        "iletisim.html",
    ] {
        let page = services
            .runs
            .site_page(&admin(), project, path)
            .await
            .unwrap();
        assert!(
            !page.body().contains("<script"),
            "{path} has no script element"
        );
        assert!(
            page.body()
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path} shows the name as text"
        );
        assert_valid_html(page.body());
    }
}
