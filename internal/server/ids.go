package server

import (
	"crypto/rand"
	"encoding/hex"
)

const (
	alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	// secretAlphabet has exactly 64 symbols, so a random byte masked to six
	// bits picks one without bias.
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
)

// randomAlphanumeric rejects bytes at or above 248, the largest multiple
// of 62 below 256, so that every character is equally likely.
func randomAlphanumeric(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+8)
	for len(out) < n {
		rand.Read(buf) // never returns an error (crypto/rand, Go ≥ 1.24)
		for _, b := range buf {
			if b >= 248 {
				continue
			}
			out = append(out, alphanumerics[int(b)%len(alphanumerics)])
			if len(out) == n {
				break
			}
		}
	}
	return string(out)
}

func randomSecret(n int) string {
	buf := make([]byte, n)
	rand.Read(buf)
	for i, b := range buf {
		buf[i] = secretAlphabet[b&63]
	}
	return string(buf)
}

func newResourceServerID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ClientIDLength is the length of every client ID the real service issues:
// that many ASCII letters and digits.
const ClientIDLength = 32

func newClientID() string { return randomAlphanumeric(ClientIDLength) }

// ValidClientID reports whether id has the form of a client ID the real
// service issues, ClientIDLength ASCII letters and digits: the one form of a
// client ID here, the root admin's included, and the one the provider accepts.
func ValidClientID(id string) bool {
	if len(id) != ClientIDLength {
		return false
	}
	for i := range len(id) {
		c := id[i]
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func newClientSecret() string { return randomSecret(64) }

func newClientGrantID() string { return "cgr_" + randomAlphanumeric(16) }

func newConnectionID() string { return "con_" + randomAlphanumeric(16) }

func newOrganizationID() string { return "org_" + randomAlphanumeric(16) }

func newTenantID() string { return "ten_" + randomAlphanumeric(16) }

// newSigningSecret is long enough for go-jose's HS256, which refuses keys
// shorter than the hash.
func newSigningSecret() string { return randomSecret(48) }

func newTokenID() string { return randomAlphanumeric(24) }
