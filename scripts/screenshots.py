#!/usr/bin/env python3
"""Signs in through Debian's chromedriver and saves screenshots of pages, for docs and for
looking at what users see. Standard library only.

Usage: scripts/screenshots.py BASE_URL USER PASSWORD OUTDIR [WIDTHxHEIGHT] [LANG] PATH...
Example: scripts/screenshots.py http://127.0.0.1:8080 station 'Kunshan-Demo-2022' docs/screenshots 1280x860 zh / /units
"""
import base64, json, os, socket, subprocess, sys, tempfile, time, urllib.request

def call(port, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())["value"]

def main():
    base, user, password, outdir = sys.argv[1:5]
    size = sys.argv[5] if len(sys.argv) > 5 else "1280x860"
    lang = sys.argv[6] if len(sys.argv) > 6 else "zh"
    paths = sys.argv[7:] or ["/"]
    w, h = size.split("x")
    os.makedirs(outdir, exist_ok=True)
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    drv = subprocess.Popen(["/usr/bin/chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    profile = tempfile.mkdtemp()
    try:
        for _ in range(50):
            try:
                call(port, "GET", "/status"); break
            except Exception:
                time.sleep(0.2)
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                f"--window-size={w},{h}", f"--user-data-dir={profile}", f"--lang={'zh-CN' if lang == 'zh' else 'en-US'}"]
        if int(w) < 600:
            args.append("--force-device-scale-factor=1")
        sess = call(port, "POST", "/session", {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}}}})
        sid = sess["sessionId"]
        call(port, "POST", f"/session/{sid}/url", {"url": f"{base}/lang/{'zh-CN' if lang == 'zh' else 'en'}?next=/login"})
        def find(css):
            el = call(port, "POST", f"/session/{sid}/element", {"using": "css selector", "value": css})
            return list(el.values())[0]
        call(port, "POST", f"/session/{sid}/element/{find('input[name=username]')}/value", {"text": user})
        call(port, "POST", f"/session/{sid}/element/{find('input[name=password]')}/value", {"text": password})
        call(port, "POST", f"/session/{sid}/element/{find('button[type=submit].primary')}/click", {})
        time.sleep(0.5)
        for p in paths:
            call(port, "POST", f"/session/{sid}/url", {"url": base + p})
            time.sleep(0.8)
            png = base64.b64decode(call(port, "GET", f"/session/{sid}/screenshot"))
            name = (p.strip("/").replace("/", "-").replace("?", "_").replace("=", "-") or "home") + f"-{lang}-{w}.png"
            open(os.path.join(outdir, name), "wb").write(png)
            print(os.path.join(outdir, name))
        call(port, "DELETE", f"/session/{sid}")
    finally:
        drv.kill()

if __name__ == "__main__":
    main()
