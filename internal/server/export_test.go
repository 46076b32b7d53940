package server

import (
	"math"
	"sort"
)

// A TableBound is a range one of the server's property tables sets on a value.
type TableBound struct {
	Table    string // the table's variable
	Property string // its path in the body, e.g. "options.validation.username.min"
	Lo, Hi   float64
}

// A PropTable is a property table with the operations whose bodies it checks ("METHOD
// /template" as the spec spells it) and the path of its properties in those bodies.
type PropTable struct {
	Ops    []string
	Prefix string
	table  map[string]propSpec
}

// PropTables are every property table of the server, by variable name; TestBoundsInventory
// checks that no table is missing from it.
var PropTables = map[string]PropTable{
	"clientSchema":           {Ops: []string{"POST /clients", "PATCH /clients/{id}"}, table: clientSchema},
	"clientGrantSchema":      {Ops: []string{"POST /client-grants", "PATCH /client-grants/{id}"}, table: clientGrantSchema},
	"connectionSchema":       {Ops: []string{"POST /connections", "PATCH /connections/{id}"}, table: connectionSchema},
	"connectionOptionsAuth0": {Ops: []string{"POST /connections", "PATCH /connections/{id}"}, Prefix: "options.", table: connectionOptionsAuth0},
	"organizationSchema":     {Ops: []string{"POST /organizations", "PATCH /organizations/{id}"}, table: organizationSchema},
	"resourceServerSchema":   {Ops: []string{"POST /resource-servers", "PATCH /resource-servers/{id}"}, table: resourceServerSchema},
	"tenantSettingsSchema":   {Ops: []string{"PATCH /tenants/settings"}, table: tenantSettingsSchema},
}

// TableBounds walks every property table and returns the ranges it sets, in a stable order.
func TableBounds() []TableBound {
	var out []TableBound
	for name, pt := range PropTables {
		walkBounds(name, pt.Prefix, pt.table, &out)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Table+" "+out[i].Property < out[j].Table+" "+out[j].Property
	})
	return out
}

func walkBounds(table, prefix string, props map[string]propSpec, out *[]TableBound) {
	for name, p := range props {
		walkBound(table, prefix+name, p, out)
	}
}

func walkBound(table, path string, p propSpec, out *[]TableBound) {
	if p.ranged && (!math.IsInf(p.lo, -1) || !math.IsInf(p.hi, 1)) {
		*out = append(*out, TableBound{Table: table, Property: path, Lo: p.lo, Hi: p.hi})
	}
	if p.items != nil {
		walkBound(table, path+"[]", *p.items, out)
	}
	if p.values != nil {
		walkBound(table, path+".*", *p.values, out)
	}
	walkBounds(table, path+".", p.props, out)
}
