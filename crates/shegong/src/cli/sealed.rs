//! Commands over the sealed data: `shegong rotate-key` (every sealed column sealed again with
//! the current vault key, platform/rekey.rs) and `shegong purge-hotline` (the retention purge).

use clap::Subcommand;

use super::{config, open, say, DbArg};
use crate::platform::i18n::{Lang, Msg};

#[derive(Subcommand, Debug)]
pub enum SealedCmd {
    /// 用当前密钥（pii.key）重新加密全部加密字段，分批提交，中断后可重新运行续做 / re-seal every sealed field with the current key (pii.key), in batches; run again to resume
    RotateKey {
        /// 每批行数 / rows per transaction
        #[arg(long, default_value_t = 500)]
        batch: u64,
        #[command(flatten)]
        db: DbArg,
    },
    /// 清除超过保存期限（hotline.retention_years）的热线来电文字与来电者关联，保留统计 / remove the free text and caller links of hotline calls past the retention period (hotline.retention_years), keeping the counts
    PurgeHotline {
        #[command(flatten)]
        db: DbArg,
    },
}

pub async fn run(cfg_path: Option<&str>, cmd: SealedCmd, lang: Lang) -> anyhow::Result<i32> {
    match cmd {
        SealedCmd::RotateKey { batch, db } => {
            let cfg = config(cfg_path, &db)?;
            let d = open(&cfg, lang).await?;
            let vault = crate::platform::vault::vault()?;
            let columns = crate::app::sealed_columns();
            let r = crate::platform::rekey::rotate(&d, &vault, &columns, batch, None).await?;
            crate::platform::audit::checkpoint(&d).await?;
            say(&Msg::new("cli.rotate_key.done")
                .arg("key", vault.id().to_string())
                .arg("n", r.resealed.to_string())
                .arg("batches", r.batches.to_string())
                .render(lang));
            if r.unreadable > 0 {
                eprintln!("{}", Msg::new("cli.rotate_key.unreadable").arg("n", r.unreadable.to_string()).render(lang));
                return Ok(1);
            }
            Ok(0)
        }
        SealedCmd::PurgeHotline { db } => {
            let cfg = config(cfg_path, &db)?;
            let d = open(&cfg, lang).await?;
            let years = cfg.hotline.retention_years;
            let n = crate::hotline::purge(&d, years, chrono::Utc::now()).await?;
            crate::platform::audit::checkpoint(&d).await?;
            say(&Msg::new("cli.purge_hotline.done")
                .arg("n", n.calls.to_string())
                .arg("cases", n.cases.to_string())
                .arg("callers", n.callers.to_string())
                .arg("years", years.to_string())
                .render(lang));
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Command};

    #[test]
    fn rotate_key_and_purge_hotline_are_commands() {
        let c =
            Cli::try_parse_from(["shegong", "rotate-key", "--batch", "100", "--database", "x.db"]).expect("rotate-key");
        assert!(matches!(c.command, Command::Sealed(super::SealedCmd::RotateKey { batch: 100, .. })));
        let c = Cli::try_parse_from(["shegong", "purge-hotline"]).expect("purge-hotline");
        assert!(matches!(c.command, Command::Sealed(super::SealedCmd::PurgeHotline { .. })));
    }
}
