package mgmt

// ClientID is the client ID the client authenticates with (client
// credentials), or "" with a static API token. The provider uses it to
// tell its own client, and that client's grants, from the ones it may
// manage.
func (c *Client) ClientID() string { return c.clientID }
