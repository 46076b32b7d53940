package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
)

// listBlock matches the type and name of a list block.
var listBlock = regexp.MustCompile(`(?m)^list\s+"([a-z_]+)"\s+"([a-z_0-9]+)"`)

// Every examples/list-resources/<type>/list-resource.tfquery.hcl finds what
// examples/resources/<type>/resource.tf made: each of its list blocks has
// at least one result.
func TestAccQuery_examples(t *testing.T) {
	dirs, err := os.ReadDir(filepath.Join(examplesDir, "list-resources"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		resourceType := dir.Name()
		t.Run(resourceType, func(t *testing.T) {
			env := newTestEnv(t)
			cfg := env.config(readExample(t, filepath.Join("resources", resourceType, "resource.tf")))
			query := readExample(t, filepath.Join("list-resources", resourceType, "list-resource.tfquery.hcl"))
			var checks []querycheck.QueryResultCheck
			for _, m := range listBlock.FindAllStringSubmatch(query, -1) {
				if m[1] != resourceType {
					t.Fatalf("the %s example lists %s", resourceType, m[1])
				}
				checks = append(checks, querycheck.ExpectLengthAtLeast(m[1]+"."+m[2], 1))
			}
			if len(checks) == 0 {
				t.Fatal("the example has no list block")
			}
			tfresource.Test(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				TerraformVersionChecks:   queryVersionChecks,
				Steps: []tfresource.TestStep{
					{Config: cfg},
					{Query: true, Config: query, QueryResultChecks: checks}, // with the provider of the .tf step before
					// The destroy at the end uses the last step's configuration.
					{Config: cfg},
				},
			})
		})
	}
}
