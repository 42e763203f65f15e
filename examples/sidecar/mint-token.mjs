#!/usr/bin/env node
// Mints the platform JWT that the standalone sentry-connect service accepts: HS256 over the shared secret, with the
// claims of its application.yml (iss "platform", aud "sentry-connect", sub = the user, tenant, roles) and a short
// lifetime. Node 20, built-in modules only. Your platform's backend does the same with its own JWT library.
//
//   PLATFORM_JWT_SECRET=… node mint-token.mjs <tenant> <user> [--admin] [--roles r1,r2] [--ttl seconds]
//                                             [--issuer platform] [--audience sentry-connect]
//
// The secret is the same string the service has (MICRONAUT_SECURITY_TOKEN_JWT_SIGNATURES_SECRET_PLATFORM_SECRET), used
// as its UTF-8 bytes (not base64-decoded). --admin adds the role "tenant-admin": that caller sees every grant of its
// tenant and may provision. The token goes to standard output, nothing else does.
import { createHmac } from 'node:crypto';

function fail(message) {
  process.stderr.write(`mint-token: ${message}\n`);
  process.exit(2);
}

const positional = [];
const options = { roles: [], ttl: 300, issuer: 'platform', audience: 'sentry-connect' };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const value = () => (i + 1 < args.length ? args[++i] : fail(`${arg} needs a value`));
  if (arg === '--admin') options.roles.push('tenant-admin');
  else if (arg === '--roles') options.roles.push(...value().split(',').filter(Boolean));
  else if (arg === '--ttl') options.ttl = Number(value());
  else if (arg === '--issuer') options.issuer = value();
  else if (arg === '--audience') options.audience = value();
  else if (arg.startsWith('--')) fail(`unknown option ${arg}`);
  else positional.push(arg);
}
const [tenant, user] = positional;
if (positional.length !== 2 || !tenant || !user) {
  fail('usage: mint-token.mjs <tenant> <user> [--admin] [--roles r1,r2] [--ttl seconds] [--issuer …] [--audience …]');
}
// The service refuses a token that expires more than max-token-age (24 h by default) from now.
if (!Number.isInteger(options.ttl) || options.ttl < 1 || options.ttl > 86400) fail('--ttl is 1 to 86400 seconds');
const secret = process.env.PLATFORM_JWT_SECRET;
// HS256 needs a key of at least 256 bits; the service refuses a shorter one too.
if (!secret || Buffer.byteLength(secret, 'utf8') < 32) fail('set PLATFORM_JWT_SECRET (at least 32 bytes)');

const now = Math.floor(Date.now() / 1000);
const claims = { iss: options.issuer, aud: options.audience, sub: user, tenant, iat: now, exp: now + options.ttl };
if (options.roles.length > 0) claims.roles = [...new Set(options.roles)];

const part = (object) => Buffer.from(JSON.stringify(object), 'utf8').toString('base64url');
const signingInput = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
const signature = createHmac('sha256', Buffer.from(secret, 'utf8')).update(signingInput).digest('base64url');
process.stdout.write(`${signingInput}.${signature}\n`);
