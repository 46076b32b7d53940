package server

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// strategyDatabase is the strategy of database connections, the only one
// whose options are checked.
const strategyDatabase = "auth0"

// connectionStrategies are the strategies the real service documents.
var connectionStrategies = []string{
	"ad", "adfs", "amazon", "apple", "dropbox", "bitbucket", "aol", "auth0-oidc", strategyDatabase,
	"baidu", "bitly", "box", "custom", "daccount", "dwolla", "email", "evernote-sandbox", "evernote",
	"exact", "facebook", "fitbit", "flickr", "github", "google-apps", "google-oauth2", "instagram", "ip",
	"line", "linkedin", "miicard", "oauth1", "oauth2", "office365", "oidc", "okta", "paypal",
	"paypal-sandbox", "pingfederate", "planningcenter", "renren", "salesforce-community",
	"salesforce-sandbox", "salesforce", "samlp", "sharepoint", "shopify", "shop", "sms", "soundcloud",
	"thecity-sandbox", "thecity", "thirtysevensignals", "twitter", "untappd", "vkontakte", "waad",
	"weibo", "windowslive", "wordpress", "yahoo", "yammer", "yandex",
}

// connectionOptionsAuth0 are the well-known options of a database
// connection, spelled as on the wire (passwordPolicy and customScripts are
// camel case). Other options are stored as sent: the real service's options
// object is open.
var connectionOptionsAuth0 = map[string]propSpec{
	"passwordPolicy": pString().orNull(),
	"password_history": pObject(map[string]propSpec{
		"enable": pBool(), "size": pInteger(),
	}).orNull(),
	"password_no_personal_info": pObject(map[string]propSpec{"enable": pBool()}).orNull(),
	"password_dictionary": pObject(map[string]propSpec{
		"enable": pBool(), "dictionary": pStrings(),
	}).orNull(),
	"password_complexity_options":          pObject(map[string]propSpec{"min_length": pInteger()}).orNull(),
	"brute_force_protection":               pBool(),
	"requires_username":                    pBool(),
	"disable_signup":                       pBool(),
	"import_mode":                          pBool(),
	"enabledDatabaseCustomization":         pBool(),
	"enable_script_context":                pBool(),
	"disable_self_service_change_password": pBool(),
	"realm_fallback":                       pBool(),
	"strategy_version":                     pInteger(),
	"validation": pObject(map[string]propSpec{
		"username": pObject(map[string]propSpec{"min": pInt(1, 128), "max": pInt(1, 128)}),
	}).orNull(),
	"mfa": pObject(map[string]propSpec{
		"active": pBool(), "return_enroll_settings": pBool(),
	}),
	"customScripts":            pMap(pString()),
	"configuration":            pMap(pString()).orNull(),
	"set_user_root_attributes": pString(),
	"non_persistent_attrs":     pStrings().orNull(),
	"precedence":               pStrings(),
	"upstream_params":          pAnyObject().orNull(),
	"attributes":               pAnyObject(),
	"authentication_methods":   pAnyObject().orNull(),
	"password_options":         pAnyObject(),
	"passkey_options":          pAnyObject().orNull(),
	"custom_password_hash":     pAnyObject(),
}

// decodeConnectionOptions checks a connection's options object (null
// empties it); an option sent as null is dropped.
func decodeConnectionOptions(strategy string, raw json.RawMessage) (extras, error) {
	if jsonType(raw) == "null" {
		return nil, nil
	}
	if jsonType(raw) != "object" {
		return nil, errType("options", "object", raw)
	}
	ob, err := decodeObject(raw)
	if err != nil {
		return nil, errType("options", "object", raw)
	}
	if strategy == strategyDatabase {
		if err := checkDatabaseOptions(ob); err != nil {
			return nil, err
		}
	}
	opts := extras{}
	for name, v := range ob.fields {
		if jsonType(v) == "null" {
			continue
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, v); err != nil {
			return nil, errType("options."+name, jsonType(v), v)
		}
		opts[name] = buf.Bytes()
	}
	return opts, nil
}

// checkDatabaseOptions checks the well-known options of a database
// connection for their types, enums and ranges.
func checkDatabaseOptions(ob *body) error {
	for _, name := range sortedKeys(ob.fields) {
		if spec, ok := connectionOptionsAuth0[name]; ok {
			if err := checkValue("options."+name, ob.fields[name], spec); err != nil {
				return err
			}
		}
	}
	return checkUsernameBounds(ob)
}

// checkUsernameBounds refuses a username validation whose min exceeds its
// max. The types were checked already.
func checkUsernameBounds(ob *body) error {
	var v struct {
		Username *struct {
			Min *int64 `json:"min"`
			Max *int64 `json:"max"`
		} `json:"username"`
	}
	raw, ok := ob.fields["validation"]
	if !ok {
		return nil
	}
	_ = json.Unmarshal(raw, &v)
	if v.Username == nil || v.Username.Min == nil || v.Username.Max == nil {
		return nil
	}
	if *v.Username.Min > *v.Username.Max {
		return errProperty("options.validation.username", "min ("+strconv.FormatInt(*v.Username.Min, 10)+") must not exceed max ("+strconv.FormatInt(*v.Username.Max, 10)+")")
	}
	return nil
}
