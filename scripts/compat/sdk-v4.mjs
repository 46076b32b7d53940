// The same CRUD and token round trip with node-auth0 v4, which many deployments still run.
import { ManagementClient, AuthenticationClient } from "auth0-v4";
import { createRemoteJWKSet, jwtVerify } from "jose";
import assert from "node:assert/strict";

const base = new URL(process.env.IDP_DOMAIN);
const domain = base.host;
const run = Date.now().toString(36);
const m = new ManagementClient({ domain, clientId: process.env.IDP_CLIENT_ID, clientSecret: process.env.IDP_CLIENT_SECRET });

const { data: api } = await m.resourceServers.create({ name: `compat v4 ${run}`, identifier: `https://compat-v4-${run}.example/`, scopes: [{ value: "read:things", description: "Read things" }] });
const { data: app } = await m.clients.create({ name: `compat v4 ${run}`, app_type: "non_interactive", grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_post" });
assert.ok(app.client_id && app.client_secret, "client id and secret");
const { data: grant } = await m.clientGrants.create({ client_id: app.client_id, audience: api.identifier, scope: ["read:things"] });
const { data: db } = await m.connections.create({ name: `compat-v4-${run}`, strategy: "auth0" });
await m.connections.updateEnabledClients({ id: db.id }, [{ client_id: app.client_id, status: true }]);

assert.equal((await m.clients.get({ client_id: app.client_id })).data.name, `compat v4 ${run}`);
const { data: listed } = await m.clients.getAll({ app_type: "non_interactive", per_page: 50 });
assert.ok(listed.some((c) => c.client_id === app.client_id), "clients.getAll with app_type finds the client");
const { data: conns } = await m.clients.getEnabledConnections({ client_id: app.client_id });
assert.ok(conns.connections.some((c) => c.id === db.id), "the client's connections include the new one");
const { data: enabled } = await m.connections.getEnabledClients({ id: db.id });
assert.deepEqual(enabled.clients.map((c) => c.client_id), [app.client_id]);
const { data: grants } = await m.clientGrants.getAll({ client_id: app.client_id });
assert.deepEqual(grants.map((g) => g.id), [grant.id]);

await m.clients.update({ client_id: app.client_id }, { description: "updated" });
await m.resourceServers.update({ id: api.id }, { token_lifetime: 7200 });
await m.clientGrants.update({ id: grant.id }, { scope: ["read:things"] });

const auth = new AuthenticationClient({ domain, clientId: app.client_id, clientSecret: app.client_secret });
const { data: tok } = await auth.oauth.clientCredentialsGrant({ audience: api.identifier });
const jwks = createRemoteJWKSet(new URL("/.well-known/jwks.json", base));
const { payload } = await jwtVerify(tok.access_token, jwks, { issuer: `${base.origin}/`, audience: api.identifier });
assert.equal(payload.scope, "read:things");

await m.clientGrants.delete({ id: grant.id });
await m.connections.delete({ id: db.id });
await m.clients.delete({ client_id: app.client_id });
await m.resourceServers.delete({ id: api.id });
await assert.rejects(m.clients.get({ client_id: app.client_id }), (e) => e.statusCode === 404);
console.log("node auth0 v4: ok");
