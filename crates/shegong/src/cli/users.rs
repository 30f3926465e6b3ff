//! `shegong user …`: create, reset, lock and unlock accounts from the command line.

use super::*;

pub(super) async fn user_cmd(cfg_path: Option<&str>, action: UserCmd, lang: Lang) -> anyhow::Result<i32> {
    let actor = Actor::system("cli");
    match action {
        UserCmd::Add { username, name, unit, role, organisation, db } => {
            let cfg = config(cfg_path, &db)?;
            let d = open(&cfg, lang).await?;
            let username = crate::users::model::parse_username(&username).map_err(Msg::new)?;
            let unit_row = crate::units::store::get_by_path(&d.conn, &unit)
                .await?
                .ok_or_else(|| Msg::new("cli.no_unit").arg("path", unit.as_str()))?;
            let mut role_ids = Vec::new();
            for r in &role {
                role_ids.push(
                    crate::users::store::role_id_by_code(&d.conn, r)
                        .await?
                        .ok_or_else(|| Msg::new("cli.no_role").arg("role", r.as_str()))?,
                );
            }
            if crate::users::store::admin_kinds(&d.conn, &role_ids).await?.len() > 1 {
                return Err(Msg::new("users.error.duties").into());
            }
            let organisation_id = match organisation.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
                None => None,
                Some(code) => {
                    // Normalised and checked (check character included) like every credit code.
                    let code = cncodes::CreditCode::parse(code)
                        .map_err(|e| Msg::new("cli.bad_credit_code").arg("code", code).arg("error", e))?;
                    match crate::services::store::agency_by_code(&d.conn, &code).await? {
                        Some((id, true)) => Some(id),
                        Some((_, false)) => {
                            let m = Msg::new("users.error.organisation");
                            return Err(Msg::new("common.with_detail")
                                .arg("message", m)
                                .arg("detail", code.as_str())
                                .into());
                        }
                        None => return Err(Msg::new("cli.no_organisation").arg("code", code.as_str()).into()),
                    }
                }
            };
            let password = read_password("cli.initial_password", lang)?;
            let problems = check_password_policy(&cfg.security, &username, &password);
            if !problems.is_empty() {
                for k in problems {
                    eprintln!("{}", Msg::new(k).render(lang));
                }
                return Ok(2);
            }
            let hash = hash_password(&cfg.security, &password)?;
            let input = crate::users::model::UserInput {
                username: username.clone(),
                display_name: name,
                unit_id: unit_row.id,
                phone: None,
                email: None,
                organisation_id,
            };
            let tx = d.write().await?;
            if crate::users::store::username_taken(&*tx, &username).await? {
                return Err(Msg::new("cli.username_taken").arg("username", username.as_str()).into());
            }
            let id = crate::users::store::insert(&*tx, &input, &hash, true).await?;
            crate::users::store::set_user_roles(&*tx, id, &role_ids).await?;
            audit::record(
                &*tx,
                &actor,
                Event::new("create", "user", id)
                    .unit(unit_row.id)
                    .after(&serde_json::json!({"user": input, "roles": role})),
            )
            .await?;
            tx.commit().await?;
            audit::checkpoint(&d).await?;
            say(&Msg::new("cli.user_created").arg("username", username).arg("id", id.to_string()).render(lang));
            Ok(0)
        }
        UserCmd::Passwd { username, db } => {
            let cfg = config(cfg_path, &db)?;
            let d = open(&cfg, lang).await?;
            let id = crate::users::store::user_id_by_username(&d.conn, &username)
                .await?
                .ok_or_else(|| Msg::new("cli.no_user").arg("username", username.as_str()))?;
            let password = read_password("cli.new_password", lang)?;
            let problems = check_password_policy(&cfg.security, &username, &password);
            if !problems.is_empty() {
                for k in problems {
                    eprintln!("{}", Msg::new(k).render(lang));
                }
                return Ok(2);
            }
            let hash = hash_password(&cfg.security, &password)?;
            let tx = d.write().await?;
            crate::auth::store::set_password(&*tx, id, &hash, true).await?;
            crate::auth::store::delete_user_sessions(&*tx, id, None).await?;
            audit::record(&*tx, &actor, Event::new("password_reset", "user", id)).await?;
            tx.commit().await?;
            audit::checkpoint(&d).await?;
            say(&Msg::new("cli.password_reset").arg("username", username).render(lang));
            Ok(0)
        }
        UserCmd::Lock { username, db } => lock(cfg_path, &db, &username, true, &actor, lang).await,
        UserCmd::Unlock { username, db } => lock(cfg_path, &db, &username, false, &actor, lang).await,
    }
}

async fn lock(
    cfg_path: Option<&str>,
    db: &DbArg,
    username: &str,
    disabled: bool,
    actor: &Actor,
    lang: Lang,
) -> anyhow::Result<i32> {
    let cfg = config(cfg_path, db)?;
    let d = open(&cfg, lang).await?;
    let id = crate::users::store::user_id_by_username(&d.conn, username)
        .await?
        .ok_or_else(|| Msg::new("cli.no_user").arg("username", username))?;
    let tx = d.write().await?;
    crate::users::store::set_disabled(&*tx, id, disabled).await?;
    if disabled {
        crate::auth::store::delete_user_sessions(&*tx, id, None).await?;
    }
    audit::record(&*tx, actor, Event::new(if disabled { "lock" } else { "unlock" }, "user", id)).await?;
    tx.commit().await?;
    audit::checkpoint(&d).await?;
    say(&Msg::new(if disabled { "cli.locked" } else { "cli.unlocked" }).arg("username", username).render(lang));
    Ok(0)
}
