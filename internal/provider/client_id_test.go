package provider

import (
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// The provider accepts exactly the client IDs idp-server issues and takes as its admin's: one
// rule, kept twice on purpose (the server shares no code with the provider), so checked here.
func TestClientIDRuleAgreesWithServer(t *testing.T) {
	t.Parallel()
	srv, err := server.New(server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{
		srv.AdminClientID(), "AbCdEfGhIjKlMnOpQrStUvWxYz012345", strings.Repeat("0", 32), // as issued
		"", "admin", "a", strings.Repeat("a", 31), strings.Repeat("a", 33), "AbCdEfGhIjKlMnOpQrStUvWxYz01234-",
		"AbCdEfGhIjKlMnOpQrStUvWxYz01234_", "AbCdEfGhIjKlMnOpQrStUvWxYz0123 5", "AbCdEfGhIjKlMnOpQrStUvWxYz0123é",
	} {
		want := len(id) == 32 && strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == ""
		if got, srvGot := validators.IsClientID(id), server.ValidClientID(id); got != want || srvGot != want {
			t.Errorf("%q: provider %v, server %v, want %v", id, got, srvGot, want)
		}
	}
}
