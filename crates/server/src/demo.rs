//! The demo data of SPEC §9: one admin and one tenant (a company, its client user and a web
//! project), seeded once. The credentials are public on purpose: demos only, never production
//! (seeding is off by default with `DATABASE_URL`).

use anyhow::Context;
use prosektor_application::services::Ports;
use prosektor_application::services::{Actor, NewCompany, NewUser, ProfilePatch, Services};
use prosektor_domain::{
    CompanyName, Email, PlainPassword, ProjectName, Role, TaxId, User, UserId, UserProfile,
};

/// The demo admin's email.
pub const ADMIN_EMAIL: &str = "admin@prosektor.demo";
/// The demo admin's password.
pub const ADMIN_PASSWORD: &str = "demo-admin-password";
/// The demo tenant's user.
pub const CLIENT_EMAIL: &str = "client@anadolu-osgb.demo";
/// The demo tenant user's password.
pub const CLIENT_PASSWORD: &str = "demo-client-password";

/// Seeds the demo admin and tenant unless the admin exists; says what it did.
///
/// # Errors
/// When a write fails.
pub async fn seed(ports: &Ports, services: &Services) -> anyhow::Result<()> {
    let admin_email = Email::parse(ADMIN_EMAIL).context("demo admin email")?;
    if ports
        .users
        .find_active_by_email(&admin_email)
        .await?
        .is_some()
    {
        print_credentials();
        return Ok(());
    }
    // The first admin cannot be created by an admin: it goes straight to the repository.
    let id = UserId::from_uuid(ports.ids.new_id());
    let hash = ports.hasher.hash(&password(ADMIN_PASSWORD)?).await?;
    let admin = User::new_admin(id, admin_email, hash, ports.clock.now());
    ports.users.create(&admin, &UserProfile::empty(id)).await?;
    let actor = Actor::from(&admin);

    let company = services
        .companies
        .create(
            &actor,
            NewCompany {
                name: CompanyName::parse("Anadolu OSGB").context("demo company")?,
                tax_id: Some(TaxId::parse("4540536920").context("demo tax id")?),
            },
        )
        .await
        .map_err(anyhow::Error::from)?;
    services
        .users
        .create_user(
            &actor,
            NewUser {
                email: Email::parse(CLIENT_EMAIL).context("demo client email")?,
                password: password(CLIENT_PASSWORD)?,
                role: Role::Client,
                company_id: Some(company.id()),
                profile: ProfilePatch::default(),
            },
        )
        .await
        .map_err(anyhow::Error::from)?;
    services
        .projects
        .create(
            &actor,
            company.id(),
            ProjectName::parse("Anadolu OSGB Kurumsal Site").context("demo project")?,
            None,
        )
        .await
        .map_err(anyhow::Error::from)?;
    tracing::info!("seeded the demo admin and tenant");
    print_credentials();
    Ok(())
}

fn password(text: &str) -> anyhow::Result<PlainPassword> {
    PlainPassword::new(text).context("demo password")
}

fn print_credentials() {
    println!("demo admin:  {ADMIN_EMAIL} / {ADMIN_PASSWORD}");
    println!("demo tenant: {CLIENT_EMAIL} / {CLIENT_PASSWORD}");
}
