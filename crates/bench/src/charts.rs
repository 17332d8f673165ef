//! The report's charts, as SVG files beside it (drawn with `plotters`): requests per second and
//! p99 of every pattern, the API beside the same SQL through pgbench, at each connection level;
//! and each pattern's p99 against the data size (the growth table).

use std::path::{Path, PathBuf};

use plotters::prelude::*;

use crate::report::{Report, SideBySide};

/// The API's bars.
const API: RGBColor = RGBColor(31, 119, 180);
/// pgbench's bars.
const SQL: RGBColor = RGBColor(255, 127, 14);
/// One colour per pattern line of the growth chart.
const LINES: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

/// Writes `throughput.svg`, `p99.svg` (if the report has side-by-side rows) and `growth.svg` (if it
/// has more than one scale) into `dir`; returns their paths.
///
/// # Errors
/// When a file cannot be written.
pub fn write(report: &Report, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    if !report.side_by_side.is_empty() {
        let throughput = dir.join("throughput.svg");
        side_by_side(
            &report.side_by_side,
            &throughput,
            "requests per second",
            |figures| figures.throughput(),
        )?;
        written.push(throughput);
        let p99 = dir.join("p99.svg");
        side_by_side(&report.side_by_side, &p99, "p99 (ms)", |figures| {
            figures.p99.as_secs_f64() * 1000.0
        })?;
        written.push(p99);
    }
    if report.growth.len() > 1 {
        let growth = dir.join("growth.svg");
        growth_chart(report, &growth)?;
        written.push(growth);
    }
    Ok(written)
}

/// One panel per connection level: for each pattern, the API's bar beside pgbench's.
fn side_by_side(
    rows: &[SideBySide],
    path: &Path,
    measure: &str,
    value: impl Fn(&crate::figures::Figures) -> f64,
) -> anyhow::Result<()> {
    let mut levels: Vec<u32> = rows.iter().map(|row| row.connections).collect();
    levels.sort_unstable();
    levels.dedup();
    let patterns: Vec<&str> = rows
        .iter()
        .filter(|row| row.connections == levels[0])
        .map(|row| row.pattern.as_str())
        .collect();
    let height = 300 * u32::try_from(levels.len()).unwrap_or(1);
    let root = SVGBackend::new(path, (960, height)).into_drawing_area();
    root.fill(&WHITE).map_err(drawing)?;
    for (panel, &connections) in root.split_evenly((levels.len(), 1)).iter().zip(&levels) {
        let of_level: Vec<&SideBySide> = rows
            .iter()
            .filter(|row| row.connections == connections)
            .collect();
        let top = of_level
            .iter()
            .flat_map(|row| [value(&row.api), value(&row.sql)])
            .fold(0.0_f64, f64::max)
            .max(1.0)
            * 1.15;
        let width = patterns.len() as f64;
        let mut chart = ChartBuilder::on(panel)
            .caption(
                format!("{measure} at {connections} connections: API (blue), pgbench (orange)"),
                ("sans-serif", 16),
            )
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..width, 0.0..top)
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc(measure)
            .draw()
            .map_err(drawing)?;
        for (index, row) in of_level.iter().enumerate() {
            let left = index as f64;
            let bars = [
                (left + 0.1, left + 0.45, value(&row.api), API),
                (left + 0.55, left + 0.9, value(&row.sql), SQL),
            ];
            chart
                .draw_series(bars.into_iter().map(|(from, to, height, colour)| {
                    Rectangle::new([(from, 0.0), (to, height)], colour.filled())
                }))
                .map_err(drawing)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    row.pattern.clone(),
                    (left + 0.1, top * 0.97),
                    ("sans-serif", 13),
                )))
                .map_err(drawing)?;
        }
    }
    root.present().map_err(drawing)?;
    Ok(())
}

/// Each pattern's p99 at 32 connections against the scale.
fn growth_chart(report: &Report, path: &Path) -> anyhow::Result<()> {
    let scales: Vec<&str> = report
        .growth
        .iter()
        .map(|growth| growth.scale.as_str())
        .collect();
    let patterns: Vec<&str> = report.growth[0]
        .patterns
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    let p99 = |scale: usize, pattern: &str| {
        report.growth[scale]
            .patterns
            .iter()
            .find(|(name, _)| name == pattern)
            .map_or(0.0, |(_, figures)| figures.p99.as_secs_f64() * 1000.0)
    };
    let top = (0..scales.len())
        .flat_map(|scale| patterns.iter().map(move |pattern| (scale, *pattern)))
        .map(|(scale, pattern)| p99(scale, pattern))
        .fold(0.0_f64, f64::max)
        .max(1.0)
        * 1.15;
    let root = SVGBackend::new(path, (960, 420)).into_drawing_area();
    root.fill(&WHITE).map_err(drawing)?;
    let last = (scales.len() - 1) as f64;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!(
                "p99 (ms) at 32 connections against the data size: {}",
                scales.join(", ")
            ),
            ("sans-serif", 16),
        )
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(60)
        .build_cartesian_2d(-0.1..last + 0.1, 0.0..top)
        .map_err(drawing)?;
    chart
        .configure_mesh()
        .x_labels(scales.len())
        .x_label_formatter(&|x| {
            let index = x.round().max(0.0) as usize;
            scales
                .get(index)
                .map_or_else(String::new, |scale| (*scale).to_owned())
        })
        .y_desc("p99 (ms)")
        .draw()
        .map_err(drawing)?;
    for (index, pattern) in patterns.iter().enumerate() {
        let colour = LINES[index % LINES.len()];
        let points: Vec<(f64, f64)> = (0..scales.len())
            .map(|scale| (scale as f64, p99(scale, pattern)))
            .collect();
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(2)))
            .map_err(drawing)?
            .label((*pattern).to_owned())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(drawing)?;
    root.present().map_err(drawing)?;
    Ok(())
}

fn drawing(error: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("drawing a chart: {error}")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::figures::Figures;
    use crate::report::Growth;

    fn figures(completed: u64, p99_ms: u64) -> Figures {
        Figures {
            completed,
            elapsed: Duration::from_secs(10),
            errors: 0,
            p50: Duration::from_millis(p99_ms / 2),
            p99: Duration::from_millis(p99_ms),
        }
    }

    #[test]
    fn every_chart_is_written_with_its_patterns_and_scales() {
        let dir = std::env::temp_dir().join(format!("prosektor-charts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // In the benchmark's order: each pattern at every level.
        let side_by_side = ["dashboard", "me"]
            .into_iter()
            .flat_map(|pattern| {
                [1, 8, 32].map(|connections| SideBySide {
                    pattern: pattern.to_owned(),
                    connections,
                    api: figures(1000 * u64::from(connections), 4),
                    sql: figures(2000 * u64::from(connections), 2),
                    costs: None,
                })
            })
            .collect();
        let growth = ["small", "medium"]
            .map(|scale| Growth {
                scale: scale.to_owned(),
                patterns: vec![
                    ("dashboard".to_owned(), figures(1, 5)),
                    ("me".to_owned(), figures(1, 3)),
                ],
            })
            .to_vec();
        let report = Report {
            side_by_side,
            growth,
            ..Report::default()
        };
        let written = write(&report, &dir).unwrap();
        assert_eq!(written.len(), 3);
        let throughput = std::fs::read_to_string(dir.join("throughput.svg")).unwrap();
        assert!(throughput.starts_with("<svg"), "{}", &throughput[..80]);
        assert!(throughput.contains("dashboard") && throughput.contains("at 32 connections"));
        assert_eq!(
            throughput.matches("requests per second at").count(),
            3,
            "one panel per connection level"
        );
        let growth = std::fs::read_to_string(dir.join("growth.svg")).unwrap();
        assert!(growth.contains("medium") && growth.contains("me"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
