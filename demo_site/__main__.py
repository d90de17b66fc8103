"""`python -m demo_site [--host H] [--port P]`: run the demo site in the foreground."""

import argparse

from .server import serve_forever


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the wirehouse demo news site.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    serve_forever(args.host, args.port)


if __name__ == "__main__":
    main()
