// After auth0-deploy-cli imported an export into a fresh server (twice), every exported object
// is there exactly once: no duplicates, nothing lost.
import { ManagementClient } from "auth0";
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import yaml from "js-yaml";

const exported = yaml.load(readFileSync(process.argv[2], "utf8"));
const m = new ManagementClient({ domain: new URL(process.env.IDP_DOMAIN).host, clientId: process.env.IDP_CLIENT_ID, clientSecret: process.env.IDP_CLIENT_SECRET });
const all = async (page) => { const out = []; for await (const x of await page) out.push(x); return out; };

const once = (what, names, want) => {
  for (const n of want) {
    assert.equal(names.filter((x) => x === n).length, 1, `${what} ${JSON.stringify(n)}: want exactly one after two imports`);
  }
};
const clients = await all(m.clients.list({ per_page: 100 }));
once("client", clients.map((c) => c.name), exported.clients.map((c) => c.name));
const apis = await all(m.resourceServers.list({ per_page: 100 }));
once("API", apis.map((a) => a.identifier), exported.resourceServers.map((a) => a.identifier));
const conns = await all(m.connections.list({ strategy: ["auth0"], take: 50 }));
once("database", conns.map((c) => c.name), exported.databases.map((d) => d.name));
const grants = await all(m.clientGrants.list({ per_page: 100 }));
const byId = Object.fromEntries(clients.map((c) => [c.client_id, c.name]));
once("grant", grants.map((g) => `${byId[g.client_id]} -> ${g.audience}`), exported.clientGrants.map((g) => `${g.client_id} -> ${g.audience}`));
for (const d of exported.databases) {
  const c = conns.find((x) => x.name === d.name);
  const enabled = (await all(m.connections.clients.get(c.id))).map((x) => byId[x.client_id]).sort();
  assert.deepEqual(enabled, [...d.enabled_clients].sort(), `database ${d.name}: enabled clients`);
}
console.log(`deploy-cli import: ${exported.clients.length} clients, ${exported.resourceServers.length} APIs, ${exported.clientGrants.length} grants, ${exported.databases.length} databases, each exactly once`);
