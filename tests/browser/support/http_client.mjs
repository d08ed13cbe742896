// Plain HTTP(S) requests from the test itself, with headers a browser would not let a page set.
import http from 'node:http';
import https from 'node:https';

export function request(url, { method = 'GET', headers = {}, body } = {}) {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = transport.request(target, { method, headers, rejectUnauthorized: false }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: response.statusCode, headers: response.headers, text, json });
      });
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    if (body) outgoing.write(body);
    outgoing.end();
  });
}

// A tiny web site of another origin on 127.0.0.1 serving one HTML page.
export function serveForeignPage(html) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/`,
        origin: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => {
          server.close(done);
          server.closeAllConnections(); // the browser keeps its connection alive
        }),
      });
    });
  });
}
