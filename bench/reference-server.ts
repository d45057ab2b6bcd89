/**
 * The reference server of `npm run bench`: plain node:http that reads each request's whole body
 * and answers a fixed balance document, with the same status, headers and byte size as Tally's
 * answer. It is what Node's HTTP stack alone costs on this machine, so Tally's figures can be
 * read against it: run in a process of its own by bench/serve.ts,
 *
 *   node dist/bench/reference-server.js PORT
 */
import { createServer } from 'node:http';

// Tally's answer for a balance of 1234.56: the generated users' balances are mostly four digits.
const DOCUMENT = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<page>\n  <balance>1234.56</balance>\n</page>\n');
// As Tally writes them; node:http adds Date, Connection and Keep-Alive to both alike.
const HEADERS = {
  'Content-Type': 'text/xml; charset=utf-8',
  'Content-Length': DOCUMENT.length,
  'Cache-Control': 'no-store',
};

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('usage: reference-server.js PORT');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    res.writeHead(200, HEADERS);
    res.end(DOCUMENT);
  });
});
server.listen(port, '127.0.0.1', () => console.log(`reference server listening on http://127.0.0.1:${port}`));
