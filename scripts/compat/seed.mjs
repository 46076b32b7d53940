// Objects for auth0-deploy-cli to export: an API, an M2M client with its grant, and a database
// connection enabled for that client.
import { ManagementClient } from "auth0";

const m = new ManagementClient({ domain: new URL(process.env.IDP_DOMAIN).host, clientId: process.env.IDP_CLIENT_ID, clientSecret: process.env.IDP_CLIENT_SECRET });
const api = await m.resourceServers.create({ name: "Compat Orders", identifier: "https://orders.compat.example/", scopes: [{ value: "read:orders", description: "Read orders" }] });
const app = await m.clients.create({ name: "Compat Worker", app_type: "non_interactive", grant_types: ["client_credentials"] });
await m.clientGrants.create({ client_id: app.client_id, audience: api.identifier, scope: ["read:orders"] });
const db = await m.connections.create({ name: "compat-users", strategy: "auth0", options: { password_policy: "good", brute_force_protection: true } });
await m.connections.clients.update(db.id, [{ client_id: app.client_id, status: true }]);
console.log("seeded");
