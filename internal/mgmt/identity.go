package mgmt

// ClientID is the client ID the client authenticates with, or "" with a
// static API token.
func (c *Client) ClientID() string { return c.clientID }
