package mgmt

// ClientID is the client ID the client authenticates with; "" with an API token.
func (c *Client) ClientID() string { return c.clientID }
