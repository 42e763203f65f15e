#!/usr/bin/env python3
"""Mints the platform JWT that the standalone sentry-connect service accepts.

HS256 over the shared secret, with the claims of its application.yml (iss "platform", aud "sentry-connect",
sub = the user, tenant, roles) and a short lifetime. Python 3 standard library only. Your platform's backend does
the same with its own JWT library.

    PLATFORM_JWT_SECRET=... python3 mint_token.py <tenant> <user> [--admin] [--roles r1,r2] [--ttl seconds]
                                                  [--issuer platform] [--audience sentry-connect]

The secret is the same string the service has (MICRONAUT_SECURITY_TOKEN_JWT_SIGNATURES_SECRET_PLATFORM_SECRET),
used as its UTF-8 bytes (not base64-decoded). --admin adds the role "tenant-admin": that caller sees every grant of
its tenant and may provision. The token goes to standard output, nothing else does.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
import time


def part(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def mint(secret: bytes, claims: dict) -> str:
    header = {"alg": "HS256", "typ": "JWT"}
    signing_input = ".".join(part(json.dumps(x, separators=(",", ":")).encode("utf-8")) for x in (header, claims))
    signature = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + part(signature)


def main() -> None:
    parser = argparse.ArgumentParser(prog="mint_token.py", description="Mint a platform JWT for sentry-connect.")
    parser.add_argument("tenant")
    parser.add_argument("user")
    parser.add_argument("--admin", action="store_true", help='add the role "tenant-admin"')
    parser.add_argument("--roles", default="", help="comma-separated roles")
    # The service refuses a token that expires more than max-token-age (24 h by default) from now.
    parser.add_argument("--ttl", type=int, default=300, help="lifetime in seconds, 1 to 86400 (default 300)")
    parser.add_argument("--issuer", default="platform")
    parser.add_argument("--audience", default="sentry-connect")
    args = parser.parse_args()
    if not args.tenant or not args.user:
        parser.error("tenant and user must not be empty")
    if not 1 <= args.ttl <= 86400:
        parser.error("--ttl is 1 to 86400 seconds")
    secret = os.environ.get("PLATFORM_JWT_SECRET", "").encode("utf-8")
    # HS256 needs a key of at least 256 bits; the service refuses a shorter one too.
    if len(secret) < 32:
        sys.exit("mint_token.py: set PLATFORM_JWT_SECRET (at least 32 bytes)")

    roles = [r for r in args.roles.split(",") if r] + (["tenant-admin"] if args.admin else [])
    now = int(time.time())
    claims = {"iss": args.issuer, "aud": args.audience, "sub": args.user, "tenant": args.tenant,
              "iat": now, "exp": now + args.ttl}
    if roles:
        claims["roles"] = list(dict.fromkeys(roles))
    print(mint(secret, claims))


if __name__ == "__main__":
    main()
