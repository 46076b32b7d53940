package main

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/auth0/go-auth0"
	"github.com/auth0/go-auth0/management"
	"golang.org/x/oauth2"
)

// sdkFor builds an official go-auth0 Management client from the environment
// block the command prints, as a user would: IDP_DOMAIN is given as is (the
// SDK drops its scheme), and over plain HTTP WithInsecure comes first,
// because it also installs a static token that WithClientCredentials must
// replace. The token request uses the HTTP client in the context.
func sdkFor(t *testing.T, env map[string]string, client *http.Client, insecure bool) *management.Management {
	t.Helper()
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, client)
	var opts []management.Option
	if insecure {
		opts = append(opts, management.WithInsecure())
	}
	opts = append(opts,
		management.WithClientCredentials(ctx, env["IDP_CLIENT_ID"], env["IDP_CLIENT_SECRET"]),
		management.WithClient(client))
	m, err := management.New(env["IDP_DOMAIN"], opts...)
	if err != nil {
		t.Fatalf("management.New(%q): %v", env["IDP_DOMAIN"], err)
	}
	return m
}

// exerciseSDK makes a few representative calls through the SDK.
func exerciseSDK(t *testing.T, m *management.Management, env map[string]string) {
	t.Helper()
	ctx := t.Context()
	admin, err := m.Client.Read(ctx, env["IDP_CLIENT_ID"])
	if err != nil {
		t.Fatalf("reading the admin client: %v", err)
	}
	if admin.GetClientSecret() != env["IDP_CLIENT_SECRET"] {
		t.Errorf("admin client: %s", management.Stringify(admin))
	}
	rs := &management.ResourceServer{
		Name:       auth0.String("Orders"),
		Identifier: auth0.String("https://orders.example.com/"),
		Scopes:     &[]management.ResourceServerScope{{Value: auth0.String("read:orders")}},
	}
	if err := m.ResourceServer.Create(ctx, rs); err != nil {
		t.Fatalf("creating a resource server: %v", err)
	}
	list, err := m.ResourceServer.List(ctx)
	if err != nil || list.Total != 2 {
		t.Fatalf("listing resource servers: %v %s", err, management.Stringify(list))
	}
	if err := m.Tenant.Update(ctx, &management.Tenant{FriendlyName: auth0.String("Local")}); err != nil {
		t.Fatalf("updating the tenant settings: %v", err)
	}
	settings, err := m.Tenant.Read(ctx)
	if err != nil || settings.GetFriendlyName() != "Local" {
		t.Fatalf("reading the tenant settings: %v %s", err, management.Stringify(settings))
	}
	if err := m.ResourceServer.Delete(ctx, rs.GetID()); err != nil {
		t.Fatalf("deleting the resource server: %v", err)
	}
}

func TestRunTLSWithGoAuth0(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	s := start(t, []string{"-listen", "127.0.0.1:0", "-tls", "-tls-ca-file", caFile},
		"IDP_DOMAIN", "IDP_CLIENT_ID", "IDP_CLIENT_SECRET", "SSL_CERT_FILE")
	// Trust exactly the CA the command wrote.
	client := tlsClient(t, caFile)
	exerciseSDK(t, sdkFor(t, s.env, client, false), s.env)

	// Without trusting it, the SDK cannot connect.
	untrusted := &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}
	_, err := sdkFor(t, s.env, untrusted, false).Client.Read(t.Context(), s.env["IDP_CLIENT_ID"])
	if err == nil {
		t.Errorf("the SDK connected without trusting the CA")
	}
	untrusted.CloseIdleConnections()
	client.CloseIdleConnections()
	s.stop(t)
}

func TestRunPlainWithGoAuth0(t *testing.T) {
	s := start(t, []string{"-listen", "127.0.0.1:0"}, "IDP_DOMAIN", "IDP_CLIENT_ID", "IDP_CLIENT_SECRET")
	client := &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}
	exerciseSDK(t, sdkFor(t, s.env, client, true), s.env)
	client.CloseIdleConnections()
	s.stop(t)
}
