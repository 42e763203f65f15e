// A webhook receiver that checks each delivery with the off-the-shelf standardwebhooks library, as a platform would.
// Secrets come from SECRETS (JSON list of whsec_ secrets). For each delivery it prints one JSON line: whether the
// delivery verifies under each secret, and whether each single signature of the header verifies under each secret.
import http from 'node:http';
import { Webhook } from 'standardwebhooks';

const secrets = JSON.parse(process.env.SECRETS);

function verifies(secret, body, headers) {
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const signatures = (request.headers['webhook-signature'] ?? '').split(' ').filter((s) => s !== '');
    console.log(JSON.stringify({
      id: request.headers['webhook-id'] ?? null,
      verified: secrets.map((secret) => verifies(secret, body, request.headers)),
      each_signature: signatures.map((signature) => secrets.map((secret) =>
        verifies(secret, body, { ...request.headers, 'webhook-signature': signature }))),
      legacy_headers: Object.keys(request.headers).filter((name) => name.startsWith('sentry-connect-')),
    }));
    response.writeHead(204).end();
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
