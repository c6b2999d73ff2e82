// A real OpenID provider for the tests (the certified npm package oidc-provider), on localhost:
//   node tests/oidc/idp.mjs PORT REDIRECT_URI [REDIRECT_URI...]
// One client, "conduct" (secret "conduct-test-secret"). Its sign-in page takes any email
// address and any password; the password "with-mfa" makes the provider say it used a second
// factor (amr: ["pwd", "mfa"]). An address starting "unverified" comes without email_verified.
import http from 'node:http';
import { URLSearchParams } from 'node:url';
import Provider from 'oidc-provider';

const [port, ...redirectUris] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'conduct',
    client_secret: 'conduct-test-secret',
    redirect_uris: redirectUris,
    token_endpoint_auth_method: 'client_secret_post',
  }],
  // amr with openid: the ID token says how the person signed in, as Entra ID's does.
  claims: { openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: !id.startsWith('unverified'), name: id.split('@')[0] };
      },
    };
  },
  // Conduct is a first-party client: no consent screen.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: false } },
  cookies: { keys: ['conduct-test-cookie-key'] },
});

function page(uid) {
  return `<!DOCTYPE html><html lang="en"><head><title>Sign in to the test provider</title></head><body>
<main><h1>Sign in to your work account</h1>
<form method="post" action="/interaction/${uid}/login">
<label for="login">Email address</label> <input id="login" name="login" type="email" autofocus>
<label for="password">Password</label> <input id="password" name="password" type="password">
<button type="submit">Sign in</button></form></main></body></html>`;
}

async function interaction(req, res) {
  const [, , uid, action] = req.url.split('?')[0].split('/');
  if (req.method === 'GET') {
    await provider.interactionDetails(req, res);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(uid));
    return;
  }
  if (action === 'login') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const amr = form.get('password') === 'with-mfa' ? ['pwd', 'mfa'] : ['pwd'];
    await provider.interactionFinished(req, res, { login: { accountId: form.get('login'), amr } }, { mergeWithLastSubmission: false });
    return;
  }
  res.writeHead(404);
  res.end();
}

const callback = provider.callback();
http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => { res.writeHead(500); res.end(String(error)); });
  } else {
    callback(req, res);
  }
}).listen(Number(port), '127.0.0.1', () => console.log(`ready ${issuer}`));
