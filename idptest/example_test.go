package idptest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/idp-terraform/terraform-provider-idp/idptest"
)

// A server with fixed admin credentials: ask its token endpoint for a
// Management API token and create a tenant with it. In a test,
// idptest.NewServer(t) does the same as Start and closes the server when
// the test ends.
func Example() {
	srv, err := idptest.Start(idptest.WithAdminCredentials("AdminClient000000000000000000001", "admin-secret-0123456789-0123456789"))
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	resp, err := http.PostForm(srv.URL+"/oauth/token", url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {srv.ClientID},
		"client_secret": {srv.ClientSecret},
		"audience":      {srv.URL + "/api/v2/"},
	})
	if err != nil {
		panic(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	fmt.Println("token:", resp.Status, tok.TokenType)

	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v2/tenants", strings.NewReader(`{"name":"customer-1"}`))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println("tenant:", resp.Status)
	fmt.Println("its base URL ends in", strings.TrimPrefix(srv.TenantURL("customer-1"), srv.URL))

	srv.Reset() // back to the start state: the tenant is gone
	fmt.Println("admin after a reset:", srv.Env()["IDP_CLIENT_ID"])

	// Output:
	// token: 200 OK Bearer
	// tenant: 201 Created
	// its base URL ends in /tenants/customer-1
	// admin after a reset: AdminClient000000000000000000001
}
