#[tokio::main]
async fn main() {
    let cli = shegong::cli::parse();
    let lang = cli.lang();
    match shegong::cli::run(cli).await {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("{}", shegong::cli::error_text(lang, &e));
            std::process::exit(1);
        }
    }
}
