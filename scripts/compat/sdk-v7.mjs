// CRUD on APIs, clients, grants and a database connection with node-auth0 v7, then a token
// verified against the tenant's JWKS.
import { ManagementClient } from "auth0";
import { AuthenticationClient } from "auth0/legacy";
import { createRemoteJWKSet, jwtVerify } from "jose";
import assert from "node:assert/strict";

const base = new URL(process.env.IDP_DOMAIN);
const domain = base.host;
const run = Date.now().toString(36);
const m = new ManagementClient({ domain, clientId: process.env.IDP_CLIENT_ID, clientSecret: process.env.IDP_CLIENT_SECRET });

const api = await m.resourceServers.create({ name: `compat v7 ${run}`, identifier: `https://compat-v7-${run}.example/`, scopes: [{ value: "read:things", description: "Read things" }] });
assert.ok(api.id, "resource server id");
const app = await m.clients.create({ name: `compat v7 ${run}`, app_type: "non_interactive", grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_post" });
assert.ok(app.client_id && app.client_secret, "client id and secret");
const grant = await m.clientGrants.create({ client_id: app.client_id, audience: api.identifier, scope: ["read:things"] });
assert.deepEqual(grant.scope, ["read:things"]);
const db = await m.connections.create({ name: `compat-v7-${run}`, strategy: "auth0" });
await m.connections.clients.update(db.id, [{ client_id: app.client_id, status: true }]);

// Reads, lists and filters.
assert.equal((await m.clients.get(app.client_id)).name, `compat v7 ${run}`);
assert.equal((await m.resourceServers.get(api.id)).identifier, api.identifier);
const listed = [];
for await (const c of await m.clients.list({ app_type: "non_interactive", per_page: 50 })) listed.push(c.client_id);
assert.ok(listed.includes(app.client_id), "clients.list with app_type finds the client");
const conns = [];
for await (const c of await m.clients.connections.get(app.client_id)) conns.push(c.id);
assert.ok(conns.includes(db.id), "the client's connections include the new one");
const grants = [];
for await (const g of await m.clientGrants.list({ client_id: app.client_id })) grants.push(g.id);
assert.deepEqual(grants, [grant.id]);

// Updates.
await m.clients.update(app.client_id, { description: "updated" });
await m.resourceServers.update(api.id, { token_lifetime: 7200 });
await m.clientGrants.update(grant.id, { scope: ["read:things"] });
await m.connections.update(db.id, { options: { password_policy: "good" } });
assert.equal((await m.clients.get(app.client_id)).description, "updated");

// A token for the client, verified against the JWKS.
const auth = new AuthenticationClient({ domain, clientId: app.client_id, clientSecret: app.client_secret });
const { data: tok } = await auth.oauth.clientCredentialsGrant({ audience: api.identifier });
const jwks = createRemoteJWKSet(new URL("/.well-known/jwks.json", base));
const { payload } = await jwtVerify(tok.access_token, jwks, { issuer: `${base.origin}/`, audience: api.identifier });
assert.equal(payload.scope, "read:things");
assert.equal(payload.sub, `${app.client_id}@clients`);

// Deletes.
await m.clientGrants.delete(grant.id);
await m.connections.delete(db.id);
await m.clients.delete(app.client_id);
await m.resourceServers.delete(api.id);
await assert.rejects(m.clients.get(app.client_id), (e) => e.statusCode === 404);
console.log("node auth0 v7: ok");
