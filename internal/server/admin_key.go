package server

import (
	"crypto"
	"encoding/base64"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// adminKeyName names the credential keyAdmin registers.
const adminKeyName = "root admin (Options.AdminPublicKey)"

// keyAdmin makes the root admin authenticate at the token endpoint with
// s.adminPublicKey only (private_key_jwt), so that no secret of it is used
// there; its secret still guards /_idp/. A start over a data dir that was
// keyed before keeps the credential of the same key and drops any other, and
// a reset, which drops the root's credentials, registers the key again.
func (s *Server) keyAdmin() error {
	if s.adminPublicKey == "" {
		return nil
	}
	key, _, err := parsePublicKeyPEM(s.adminPublicKey)
	if err != nil {
		return fmt.Errorf("server: the admin public key: %w", err)
	}
	p := repo{store: s.store, t: &tenant{name: RootTenant}}
	existing, err := p.credentials(s.adminID)
	if err != nil {
		return err
	}
	keep := []string{}
	for _, cr := range existing {
		if k, _, err := parsePublicKeyPEM(cr.PEM); err == nil && k.Equal(key) && len(keep) == 0 {
			keep = append(keep, cr.ID)
			continue
		}
		if err := p.delete(KindCredentials, cr.ID); err != nil {
			return err
		}
	}
	if err := p.put(KindIndex, indexCredentials(s.adminID), keep); err != nil {
		return err
	}
	if len(keep) == 0 {
		tp, err := (&jose.JSONWebKey{Key: key}).Thumbprint(crypto.SHA256)
		if err != nil {
			return err
		}
		stamp := s.now().UTC().Format(time.RFC3339Nano)
		rec := credentialRecord{ID: newCredentialID(), Name: adminKeyName, CredentialType: credentialPublicKey,
			KeyID: base64.RawURLEncoding.EncodeToString(tp), Alg: "RS256", PEM: s.adminPublicKey,
			CreatedAt: stamp, UpdatedAt: stamp}
		if err := p.addCredentials(s.adminID, parsedCredential{rec: rec, key: key}); err != nil {
			return err
		}
		keep = append(keep, rec.ID)
	}
	admin, err := p.client(s.adminID)
	if err != nil {
		return err
	}
	setAuthMethods(&admin, "private_key_jwt", keep)
	return p.put(KindClients, admin.ClientID, admin)
}
