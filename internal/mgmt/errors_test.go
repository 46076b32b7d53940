package mgmt

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

func TestErrorFormatAndHelpers(t *testing.T) {
	t.Parallel()
	e := newError("GET", "/api/v2/clients/abc", 404,
		[]byte(`{"statusCode":404,"error":"Not Found","message":"The client does not exist","errorCode":"inexistent_client"}`))
	if got, want := e.Error(), "GET /api/v2/clients/abc: 404 Not Found: The client does not exist (inexistent_client)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	wrapped := fmt.Errorf("reading: %w", e)
	if !IsNotFound(wrapped) || IsConflict(wrapped) {
		t.Errorf("IsNotFound/IsConflict wrong for %v", wrapped)
	}
	oauth := newError("POST", "/oauth/token", 403, []byte(`{"error":"access_denied","error_description":"Service not found: x"}`))
	if oauth.Code != "access_denied" || oauth.Message != "Service not found: x" {
		t.Errorf("OAuth error parsed as %+v", oauth)
	}
	raw := newError("POST", "/oauth/token", 502, []byte(`<html>client_secret=hunter2</html>`))
	if strings.Contains(raw.Error(), "hunter2") || raw.Message != "" {
		t.Errorf("raw body leaked into %q", raw.Error())
	}
	if IsNotFound(errors.New("404")) || IsNotFound(nil) {
		t.Error("IsNotFound matched a non-*Error")
	}
}

func TestErrorsAreTyped(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	c := env.client(t)

	_, err := c.GetApplication(ctx, "doesnotexist")
	var apiErr *Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("404: got %T %v", err, err)
	}
	if apiErr.StatusCode != 404 || apiErr.Code != "inexistent_client" || apiErr.Message == "" ||
		apiErr.Method != "GET" || apiErr.Path != "/api/v2/clients/doesnotexist" {
		t.Errorf("404 error = %+v", apiErr)
	}
	if !IsNotFound(err) || IsConflict(err) {
		t.Error("IsNotFound/IsConflict wrong for a 404")
	}
	if want := "GET /api/v2/clients/doesnotexist: 404 Not Found: "; !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "(inexistent_client)") {
		t.Errorf("Error() = %q", err.Error())
	}
	for _, get := range []func() error{
		func() error { _, err := c.GetResourceServer(ctx, "https://nope.example.com"); return err },
		func() error { _, err := c.GetClientGrant(ctx, "cgr_0000000000000000"); return err },
		func() error { _, err := c.GetTenant(ctx, "nope"); return err },
	} {
		if err := get(); !IsNotFound(err) {
			t.Errorf("want 404, got %v", err)
		}
	}

	rs := &ResourceServer{Name: String("dup"), Identifier: String("https://dup.example.com")}
	if _, err := c.CreateResourceServer(ctx, rs); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateResourceServer(ctx, rs)
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 409 || apiErr.Code != "conflict" || !IsConflict(err) || IsNotFound(err) {
		t.Errorf("409: got %v", err)
	}

	_, err = c.CreateResourceServer(ctx, &ResourceServer{Name: String("bad"), Identifier: String("https://bad.example.com"), SigningAlg: String("XX256")})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code != "invalid_body" || apiErr.Message == "" {
		t.Errorf("400: got %v", err)
	}

	// Deleting what does not exist is a success (204).
	if err := c.DeleteApplication(ctx, "doesnotexist"); err != nil {
		t.Errorf("delete of a missing client: %v", err)
	}
}
