use clap::Parser;

#[tokio::main]
async fn main() {
    let cli = shegong::cli::Cli::parse();
    match shegong::cli::run(cli).await {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            std::process::exit(1);
        }
    }
}
