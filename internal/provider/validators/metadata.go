package validators

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The real service's bounds of client_metadata, which idp-server applies to
// any such metadata (internal/server/metadata.go): the same facts, so that a
// plan fails exactly where the service would refuse.
const (
	maxMetadataKeys   = 10
	maxMetadataLength = 255
	// metadataNameSpecials may appear in a name besides letters and digits.
	metadataNameSpecials = ":,-+=_*?\"/\\()<>@\t "
)

var _ validator.Map = metadataValidator{}

type metadataValidator struct{}

// Metadata bounds a map of string metadata as the service does client
// metadata: at most 10 properties; names of 1 to 255 characters, each a
// letter, a digit, a space, a tab or one of :,-+=_*?"/\()<>@; values of at
// most 255 characters.
func Metadata() validator.Map {
	return metadataValidator{}
}

func (v metadataValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (v metadataValidator) MarkdownDescription(context.Context) string {
	return fmt.Sprintf("at most %d properties; names of 1 to %d characters from letters, digits, spaces, tabs and `%s`; values of at most %d characters",
		maxMetadataKeys, maxMetadataLength, metadataNameSpecials[:len(metadataNameSpecials)-2], maxMetadataLength)
}

func (v metadataValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	if len(elems) > maxMetadataKeys {
		resp.Diagnostics.AddAttributeError(req.Path, "Too Many Metadata Properties",
			fmt.Sprintf("%d properties are set; the service keeps at most %d. Remove %d of them.",
				len(elems), maxMetadataKeys, len(elems)-maxMetadataKeys))
	}
	for _, k := range slices.Sorted(maps.Keys(elems)) {
		at := req.Path.AtMapKey(k)
		if n := utf8.RuneCountInString(k); n == 0 || n > maxMetadataLength {
			resp.Diagnostics.AddAttributeError(at, "Invalid Metadata Property Name",
				fmt.Sprintf("The property name %q has %d characters; a name has 1 to %d.", k, n, maxMetadataLength))
		} else if r, ok := invalidMetadataRune(k); ok {
			resp.Diagnostics.AddAttributeError(at, "Invalid Metadata Property Name",
				fmt.Sprintf("The property name %q contains %q; a name may only contain letters, digits, spaces, tabs and %s",
					k, r, metadataNameSpecials[:len(metadataNameSpecials)-2]))
		}
		value, ok := elems[k].(types.String)
		if !ok || value.IsNull() || value.IsUnknown() {
			continue
		}
		if n := utf8.RuneCountInString(value.ValueString()); n > maxMetadataLength {
			resp.Diagnostics.AddAttributeError(at, "Metadata Value Too Long",
				fmt.Sprintf("The value of %q has %d characters; a value has at most %d.", k, n, maxMetadataLength))
		}
	}
}

// invalidMetadataRune returns the first character of name that a metadata
// property name may not contain.
func invalidMetadataRune(name string) (rune, bool) {
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r < utf8.RuneSelf && strings.ContainsRune(metadataNameSpecials, r):
		default:
			return r, true
		}
	}
	return 0, false
}
