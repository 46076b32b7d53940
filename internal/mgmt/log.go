package mgmt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
)

// Level is the severity of a log line.
type Level int

// The levels, from the most verbose. Bodies are logged only at LevelTrace, redacted.
const (
	LevelTrace Level = iota
	LevelDebug
	LevelInfo
	LevelWarn
	LevelError
)

// String returns the level's name in upper case, e.g. "DEBUG".
func (l Level) String() string {
	switch l {
	case LevelTrace:
		return "TRACE"
	case LevelDebug:
		return "DEBUG"
	case LevelInfo:
		return "INFO"
	case LevelWarn:
		return "WARN"
	case LevelError:
		return "ERROR"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Logger receives the client's log lines, concurrently; fields never carry a secret or token.
type Logger interface {
	Log(ctx context.Context, level Level, msg string, fields map[string]any)
}

// LevelEnabler lets a Logger skip building lines it drops (redacting TRACE bodies costs CPU).
type LevelEnabler interface {
	Enabled(ctx context.Context, level Level) bool
}

type discardLogger struct{}

func (discardLogger) Log(context.Context, Level, string, map[string]any) {}

func (discardLogger) Enabled(context.Context, Level) bool { return false }

type levelFilter struct {
	Logger
	enabled LevelEnabler
}

func (f levelFilter) Log(ctx context.Context, level Level, msg string, fields map[string]any) {
	if f.enabled.Enabled(ctx, level) {
		f.Logger.Log(ctx, level, msg, fields)
	}
}

func (f levelFilter) Enabled(ctx context.Context, level Level) bool {
	return f.enabled.Enabled(ctx, level)
}

func (c *Client) logs(ctx context.Context, level Level) bool {
	if le, ok := c.log.(LevelEnabler); ok {
		return le.Enabled(ctx, level)
	}
	return true
}

const redacted = "***REDACTED***"

// redactBody hides secret values; a body neither JSON nor a form cannot be redacted, so is not shown.
func redactBody(contentType string, body []byte) string {
	if len(body) == 0 {
		return ""
	}
	mediaType, _, _ := mime.ParseMediaType(contentType)
	if mediaType == "application/x-www-form-urlencoded" {
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return fmt.Sprintf("<unparsable form body, %d bytes>", len(body))
		}
		for k := range vals {
			if isSecretKey(k) {
				for i := range vals[k] {
					vals[k][i] = redacted
				}
			}
		}
		return vals.Encode()
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Sprintf("<non-JSON body, %d bytes>", len(body))
	}
	out, err := json.Marshal(redactValue(v))
	if err != nil {
		return fmt.Sprintf("<body, %d bytes>", len(body))
	}
	return string(out)
}

// references: a list of {"id": ...} names objects (private_key_jwt's credentials) and holds no secret.
func references(v any) bool {
	items, ok := v.([]any)
	if !ok {
		return false
	}
	for _, x := range items {
		m, ok := x.(map[string]any)
		if _, isID := m["id"].(string); !ok || len(m) != 1 || !isID {
			return false
		}
	}
	return true
}

func redactValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if isSecretKey(k) && !references(x) {
				v[k] = redacted
				continue
			}
			v[k] = redactValue(x)
		}
		return v
	case []any:
		for i, x := range v {
			v[i] = redactValue(x)
		}
		return v
	}
	return v
}
