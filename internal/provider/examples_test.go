package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-testing/config"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// The examples under examples/ are what the documentation shows and what the
// demo applies, so every one of them is applied here against an in-process
// server, and every import ID form that an import.sh shows is imported.

// providerNamespace is the namespace of the provider's source address,
// registry.terraform.io/idp-terraform/idp. Examples that declare
// required_providers name it, and the test harness serves the provider under
// it only when TF_ACC_PROVIDER_NAMESPACE says so.
const providerNamespace = "idp-terraform"

// Every resource, data source and ephemeral resource the provider serves has
// its examples, so that no documentation page goes without one.
func TestExamples_everyTypeHasExamples(t *testing.T) {
	ctx := t.Context()
	p := New("test")()
	var want []string
	for _, newResource := range p.Resources(ctx) {
		name := typeName(t, newResource())
		want = append(want, filepath.Join("resources", name, "resource.tf"), filepath.Join("resources", name, "import.sh"),
			filepath.Join("resources", name, "import.tf"))
	}
	for _, newDataSource := range p.DataSources(ctx) {
		var resp datasource.MetadataResponse
		newDataSource().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "idp"}, &resp)
		want = append(want, filepath.Join("data-sources", resp.TypeName, "data-source.tf"))
	}
	if pe, ok := p.(provider.ProviderWithEphemeralResources); ok {
		for _, newEphemeral := range pe.EphemeralResources(ctx) {
			var resp ephemeral.MetadataResponse
			newEphemeral().Metadata(ctx, ephemeral.MetadataRequest{ProviderTypeName: "idp"}, &resp)
			want = append(want, filepath.Join("ephemeral-resources", resp.TypeName, "ephemeral-resource.tf"))
		}
	}
	if pl, ok := p.(provider.ProviderWithListResources); ok {
		for _, newList := range pl.ListResources(ctx) {
			var resp resource.MetadataResponse
			newList().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "idp"}, &resp)
			want = append(want, filepath.Join("list-resources", resp.TypeName, "list-resource.tfquery.hcl"),
				filepath.Join("resources", resp.TypeName, "import-by-identity.tf"))
		}
	}
	want = append(want, filepath.Join("provider", "provider.tf"), filepath.Join("quickstart", "main.tf"))
	for _, rel := range want {
		if _, err := os.Stat(filepath.Join(examplesDir, rel)); err != nil {
			t.Errorf("missing example examples/%s: %v", rel, err)
		}
	}
	// Resource examples leave provider blocks to the provider example (and
	// to the tests, which prepend one).
	for _, rel := range want {
		if !strings.HasPrefix(rel, "resources"+string(filepath.Separator)) || !strings.HasSuffix(rel, ".tf") {
			continue
		}
		if providerBlock.MatchString(readExample(t, rel)) {
			t.Errorf("examples/%s has a provider \"idp\" block; only examples/provider/provider.tf has one", rel)
		}
	}
}

// providerBlock matches the start of a provider "idp" block in a formatted
// configuration.
var providerBlock = regexp.MustCompile(`(?m)^provider\s+"idp"\s*\{`)

// typeName returns a resource's type name.
func typeName(t *testing.T, r resource.Resource) string {
	t.Helper()
	var resp resource.MetadataResponse
	r.Metadata(t.Context(), resource.MetadataRequest{ProviderTypeName: "idp"}, &resp)
	return resp.TypeName
}

// terraformCLI runs the tests' CLI (cliPath) in dir and returns its combined
// output.
func terraformCLI(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), cliPath(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// Every example is formatted the way the CLI's fmt formats it (terraform fmt
// or tofu fmt, whichever the tests run), so what users copy from the
// documentation is canonical.
func TestAccExamples_fmt(t *testing.T) {
	if os.Getenv(tfresource.EnvTfAcc) == "" {
		t.Skipf("acceptance tests are skipped unless %s is set", tfresource.EnvTfAcc)
	}
	t.Parallel()
	out, err := terraformCLI(t, examplesDir, "fmt", "-check", "-recursive", "-diff", ".")
	if err != nil {
		t.Fatalf("%s fmt -check found unformatted examples (run 'make fmt'): %v\n%s", filepath.Base(cliPath(t)), err, out)
	}
}

// importCommand is one `terraform import ADDRESS ID` line of an import.sh.
type importCommand struct {
	address, id string
}

// importLine matches an import command; the ID may be single-quoted.
var importLine = regexp.MustCompile(`^terraform import (\S+) (\S+)$`)

// parseImportScript returns the import commands of an import.sh, ignoring
// comments and blank lines and refusing anything else.
func parseImportScript(t *testing.T, script string) []importCommand {
	t.Helper()
	var cmds []importCommand
	sc := bufio.NewScanner(strings.NewReader(script))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := importLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("import.sh line %q is not `terraform import ADDRESS ID`", line)
		}
		id := m[2]
		if len(id) >= 2 && id[0] == '\'' && id[len(id)-1] == '\'' {
			id = id[1 : len(id)-1]
		}
		cmds = append(cmds, importCommand{address: m[1], id: id})
	}
	if len(cmds) == 0 {
		t.Fatal("import.sh has no terraform import command")
	}
	return cmds
}

// serverIDForms are the shapes of the IDs the server assigns. An import.sh
// shows a placeholder of one of these shapes where a real ID goes.
var serverIDForms = []*regexp.Regexp{
	regexp.MustCompile(`^ten_[A-Za-z0-9]{16}$`), // tenant
	regexp.MustCompile(`^[0-9a-f]{24}$`),        // resource server
	regexp.MustCompile(`^cgr_[A-Za-z0-9]{16}$`), // client grant
	regexp.MustCompile(`^con_[A-Za-z0-9]{16}$`), // connection
	regexp.MustCompile(`^org_[A-Za-z0-9]{16}$`), // organization
	regexp.MustCompile(`^[A-Za-z0-9]{32}$`),     // client
}

// importID turns an ID as an import.sh shows it into the same form of ID for
// the resource the test created: a natural key shown literally (a name, an
// identifier) is kept; a placeholder shaped like a server-assigned ID becomes
// the attribute of the same shape (id first); `a::b` is resolved part by part.
func importID(shown string, attrs map[string]string) (string, error) {
	if left, right, ok := strings.Cut(shown, naturalKeySeparator); ok {
		l, err := importID(left, attrs)
		if err != nil {
			return "", err
		}
		r, err := importID(right, attrs)
		if err != nil {
			return "", err
		}
		return l + naturalKeySeparator + r, nil
	}
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if attrs[k] == shown {
			return shown, nil
		}
	}
	for _, form := range serverIDForms {
		if !form.MatchString(shown) {
			continue
		}
		if form.MatchString(attrs["id"]) {
			return attrs["id"], nil
		}
		for _, k := range keys {
			if form.MatchString(attrs[k]) {
				return attrs[k], nil
			}
		}
		return "", fmt.Errorf("%q looks like a server-assigned ID, but no attribute of the resource has that form", shown)
	}
	return "", fmt.Errorf("%q is neither a value of the resource's attributes nor shaped like a server-assigned ID", shown)
}

// importVerifyIgnore lists, per resource type, the attributes an import
// cannot restore.
var importVerifyIgnore = map[string][]string{
	// The server reveals the tenant's management client only at creation.
	"idp_tenant": {"management_client_id", "management_client_secret"},
	// The server never answers a credential's PEM.
	"idp_client_credentials": {"credentials.reporting-2026.pem"},
}

// Every examples/resources/<type>/resource.tf applies as it is (with the
// provider block prepended), leaves an empty plan behind, and every ID form
// its import.sh shows imports the resource back to the same state.
func TestAccExamples_resources(t *testing.T) {
	dirs, err := os.ReadDir(filepath.Join(examplesDir, "resources"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		resourceType := dir.Name()
		t.Run(resourceType, func(t *testing.T) {
			env := newTestEnv(t)
			cfg := env.config(readExample(t, filepath.Join("resources", resourceType, "resource.tf")))
			imports := parseImportScript(t, readExample(t, filepath.Join("resources", resourceType, "import.sh")))

			steps := []tfresource.TestStep{{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(imports[0].address, tfjsonpath.New("id"), knownvalue.NotNull()),
				},
			}}
			for _, imp := range imports {
				if typ, _, _ := strings.Cut(imp.address, "."); typ != resourceType {
					t.Fatalf("import.sh imports %s, not a %s", imp.address, resourceType)
				}
				steps = append(steps, tfresource.TestStep{
					Config:       cfg,
					ResourceName: imp.address,
					ImportState:  true,
					ImportStateIdFunc: func(s *terraform.State) (string, error) {
						rs, ok := s.RootModule().Resources[imp.address]
						if !ok {
							return "", fmt.Errorf("import.sh imports %s, which resource.tf does not declare", imp.address)
						}
						return importID(imp.id, rs.Primary.Attributes)
					},
					ImportStateVerify:       true,
					ImportStateVerifyIgnore: importVerifyIgnore[resourceType],
				})
			}
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    steps,
			})
		})
	}
}

// checkTokens verifies every idp_token data source's token in the state
// against the tenant's keys.
func checkTokens(domain string) tfresource.TestCheckFunc {
	return func(s *terraform.State) error {
		n := 0
		for name, rs := range s.RootModule().Resources {
			if !strings.HasPrefix(name, "data.idp_token.") {
				continue
			}
			n++
			if _, err := verifyToken(domain, rs.Primary.Attributes["access_token"]); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		if n == 0 {
			return fmt.Errorf("no idp_token data source in the state")
		}
		return nil
	}
}

func TestAccExamples_dataSourceToken(t *testing.T) {
	env := newTestEnv(t)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: env.config(readExample(t, "data-sources/idp_token/data-source.tf")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.idp_token.limited", tfjsonpath.New("scope"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("post:content.tenant.a"),
				})),
			},
			Check: checkTokens(env.url),
		}},
	})
}

// ephemeralTokenName finds the name of the ephemeral idp_token an example
// declares.
var ephemeralTokenName = regexp.MustCompile(`(?m)^ephemeral "idp_token" "([A-Za-z0-9_-]+)"`)

func TestAccExamples_ephemeralToken(t *testing.T) {
	env := newTestEnv(t)
	example := readExample(t, "ephemeral-resources/idp_token/ephemeral-resource.tf")
	m := ephemeralTokenName.FindStringSubmatch(example)
	if m == nil {
		t.Fatal("the ephemeral resource example declares no ephemeral \"idp_token\"")
	}
	// The echo provider carries the ephemeral values into the state, where
	// the test can see them.
	echo := fmt.Sprintf(`
provider "echo" {
  data = {
    token_type = ephemeral.idp_token.%[1]s.token_type
    scope      = ephemeral.idp_token.%[1]s.scope
  }
}

resource "echo" "example" {}
`, m[1])
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: flowProviders(),
		Steps: []tfresource.TestStep{{
			Config:          env.config(example + echo),
			ConfigVariables: config.Variables{"domain": config.StringVariable(env.url)},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.example", tfjsonpath.New("data").AtMapKey("token_type"), knownvalue.StringExact("Bearer")),
				statecheck.ExpectKnownValue("echo.example", tfjsonpath.New("data").AtMapKey("scope"), knownvalue.SetSizeExact(3)),
			},
		}},
	})
}

// rootVariables are the variables the provider example and the quickstart
// take: the root tenant's domain and admin credentials.
func (e *testEnv) rootVariables() config.Variables {
	return config.Variables{
		"domain":        config.StringVariable(e.url),
		"client_id":     config.StringVariable(e.srv.AdminClientID()),
		"client_secret": config.StringVariable(e.srv.AdminClientSecret()),
	}
}

// The provider example configures a working provider: a token request (which
// the test adds) succeeds with it. Not parallel: it sets the provider
// namespace in the environment, which the example's required_providers names.
func TestAccExamples_provider(t *testing.T) {
	t.Setenv(tfresource.EnvTfAccProviderNamespace, providerNamespace)
	env := newTestEnv(t)
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: readExample(t, "provider/provider.tf") + `
data "idp_token" "check" {
  audience = "${var.domain}/api/v2/"
}
`,
			ConfigVariables: env.rootVariables(),
			Check:           checkTokens(env.url),
		}},
	})
}

// The quickstart — the whole tenant-provisioning flow that `make demo`
// applies — applies from its directory and its outputs say what was made.
//
// The provider runs out of process here, as a binary built by the test and
// installed from a filesystem mirror (the harness runs terraform init, which
// dev_overrides does not cover): the quickstart configures
// three instances of the provider (the root tenant's admin, the provisioning
// application and the new tenant), and in the harness's in-process mode
// Terraform reaches every instance on one shared provider server, so the
// last Configure would win for all of them. Not parallel: it sets
// TF_CLI_CONFIG_FILE.
func TestAccExamples_quickstart(t *testing.T) {
	if os.Getenv(tfresource.EnvTfAcc) == "" {
		t.Skipf("acceptance tests are skipped unless %s is set", tfresource.EnvTfAcc)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", providerMirrorConfig(t))
	env := newTestEnv(t)
	tenantDomain := env.url + "/tenants/customer-1"
	tfresource.Test(t, tfresource.TestCase{
		Steps: []tfresource.TestStep{{
			ConfigDirectory: config.StaticDirectory(examplesDir + "/quickstart"),
			ConfigVariables: env.rootVariables(),
			// The idp_token data source asks for a fresh token in every plan,
			// so the token outputs change; no resource may.
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: tfresource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{expectNoResourceChanges{}},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("tenant_domain", knownvalue.StringExact(tenantDomain)),
				statecheck.ExpectKnownOutputValue("api_identifier", knownvalue.StringExact("https://orders.customer-1.example/")),
				statecheck.ExpectKnownOutputValue("grant_scopes", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("read:orders"), knownvalue.StringExact("write:orders"),
				})),
				statecheck.ExpectKnownOutputValue("token_expires_at", knownvalue.StringFunc(isRFC3339)),
				statecheck.ExpectKnownOutputValue("token", knownvalue.StringFunc(func(token string) error {
					claims, err := verifyToken(tenantDomain, token)
					if err != nil {
						return err
					}
					if !claims.Audience.Contains("https://orders.customer-1.example/") {
						return fmt.Errorf("token aud = %v, want the Orders API", claims.Audience)
					}
					if scopes := strings.Fields(claims.Scope); len(scopes) != 2 || !slices.Contains(scopes, "read:orders") || !slices.Contains(scopes, "write:orders") {
						return fmt.Errorf("token scope = %q, want read:orders and write:orders", claims.Scope)
					}
					return nil
				})),
				statecheck.ExpectKnownValue("idp_client.provisioning", tfjsonpath.New("name"), knownvalue.StringExact("Tenant Provisioning")),
			},
		}},
		CheckDestroy: func(*terraform.State) error {
			tenants, err := env.client.ListTenants(t.Context())
			if err != nil {
				return err
			}
			if len(tenants) != 0 {
				return fmt.Errorf("%d tenants left after destroy", len(tenants))
			}
			apps, err := env.client.ListApplications(t.Context(), mgmt.ApplicationFilter{})
			if err != nil {
				return err
			}
			for _, app := range apps {
				if app.Name != nil && *app.Name == "Tenant Provisioning" {
					return fmt.Errorf("the Tenant Provisioning client is left after destroy")
				}
			}
			return nil
		},
	})
}

// registryHosts are the hosts a source address without one ("idp-terraform/
// idp") means: Terraform's, then OpenTofu's.
var registryHosts = []string{"registry.terraform.io", "registry.opentofu.org"}

// requireOpenTofu fails the test unless the tests' CLI is OpenTofu. The
// Makefile runs TestAccOpenTofu* only under OpenTofu and leaves them out by
// name under Terraform, so this fires only when someone runs them by hand
// with the wrong CLI.
func requireOpenTofu(t *testing.T) {
	t.Helper()
	out, err := terraformCLI(t, t.TempDir(), "version")
	if err != nil {
		t.Fatalf("%s version: %v\n%s", cliPath(t), err, out)
	}
	if !strings.HasPrefix(out, "OpenTofu ") {
		first, _, _ := strings.Cut(out, "\n")
		t.Fatalf("this test needs OpenTofu (1.9 or later), and %s is %q: run it with 'make testacc TERRAFORM=tofu'; "+
			"under Terraform, 'make test' and 'make testacc' leave TestAccOpenTofu* out", cliPath(t), first)
	}
}

// tenantPerCustomerRun drives the tenant-per-customer example with the
// tests' CLI in a working directory of its own, as a user would: init once,
// then apply, plan and read outputs for each set of customers. It runs the
// CLI directly rather than through terraform-plugin-testing, whose state
// shim refuses for_each instances ("for_each is not supported") and so could
// neither check nor destroy what this example makes.
type tenantPerCustomerRun struct {
	t       *testing.T
	env     *testEnv
	dir     string
	environ []string
}

// cli runs the CLI with args and returns its output and exit code; a code
// not in ok fails the test.
func (r *tenantPerCustomerRun) cli(ok []int, args ...string) (string, int) {
	r.t.Helper()
	cmd := exec.CommandContext(r.t.Context(), cliPath(r.t), args...)
	cmd.Dir = r.dir
	cmd.Env = r.environ
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := cmd.ProcessState.ExitCode()
	if !slices.Contains(ok, code) { // -1 when it did not run
		r.t.Fatalf("%s %s: exit %d (%v)\n%s", filepath.Base(cliPath(r.t)), strings.Join(args, " "), code, err, out.String())
	}
	return out.String(), code
}

// apply sets the customers (name → active) and applies them; the plan that
// follows must be empty.
func (r *tenantPerCustomerRun) apply(customers map[string]bool) {
	r.t.Helper()
	vars := map[string]any{}
	if customers != nil {
		m := map[string]any{}
		for name, active := range customers {
			m[name] = map[string]any{"display_name": "Customer " + name, "active": active}
		}
		vars["customers"] = m
	}
	b, err := json.Marshal(vars)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.dir, "terraform.tfvars.json"), b, 0o600); err != nil {
		r.t.Fatal(err)
	}
	r.cli([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	if out, code := r.cli([]int{0, 2}, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		r.t.Fatalf("the plan after apply is not empty:\n%s", out)
	}
}

// outputs checks the example's outputs: the tenants of all customers in the
// map, and an API in the tenant of each active one.
func (r *tenantPerCustomerRun) outputs(tenants, apis []string) {
	r.t.Helper()
	out, _ := r.cli([]int{0}, "output", "-json")
	var got map[string]struct {
		Value map[string]string `json:"value"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		r.t.Fatalf("output -json: %v\n%s", err, out)
	}
	want := map[string]string{}
	for _, name := range tenants {
		want[name] = r.env.url + "/tenants/" + name
	}
	if !maps.Equal(got["tenant_domains"].Value, want) {
		r.t.Errorf("tenant_domains = %v, want %v", got["tenant_domains"].Value, want)
	}
	want = map[string]string{}
	for _, name := range apis {
		want[name] = "https://orders." + name + ".example/"
	}
	if !maps.Equal(got["api_identifiers"].Value, want) {
		r.t.Errorf("api_identifiers = %v, want %v", got["api_identifiers"].Value, want)
	}
	if ids := got["service_client_ids"].Value; len(ids) != len(apis) {
		r.t.Errorf("service_client_ids = %v, want one per active customer %v", ids, apis)
	}
	r.server(len(tenants))
}

// server checks the server itself: n tenants, and no Orders API in the root
// tenant (each was made by its own tenant's provider instance).
func (r *tenantPerCustomerRun) server(n int) {
	r.t.Helper()
	tenants, err := r.env.client.ListTenants(r.t.Context())
	if err != nil {
		r.t.Fatal(err)
	}
	if len(tenants) != n {
		r.t.Errorf("the server has %d tenants, want %d", len(tenants), n)
	}
	apis, err := r.env.client.ListResourceServers(r.t.Context())
	if err != nil {
		r.t.Fatal(err)
	}
	for _, api := range apis {
		if api.Identifier != nil && strings.HasPrefix(*api.Identifier, "https://orders.") {
			r.t.Errorf("the root tenant holds %s, which belongs in a customer's tenant", *api.Identifier)
		}
	}
}

// The tenant-per-customer example — one map of customers, a tenant each, a
// provider instance per tenant through provider for_each (OpenTofu 1.9 and
// later, hence OpenTofu only), and an API, a client and a grant in every
// tenant — applies in one run and leaves an empty plan behind; a customer is
// added with one apply and retired with the two the example describes; the
// destroy leaves no tenant. Like the quickstart, the provider runs out of
// process from a filesystem mirror, so every provider instance keeps its own
// configuration.
func TestAccOpenTofuExamples_tenantPerCustomer(t *testing.T) {
	if os.Getenv(tfresource.EnvTfAcc) == "" {
		t.Skipf("acceptance tests are skipped unless %s is set", tfresource.EnvTfAcc)
	}
	t.Parallel()
	requireOpenTofu(t)
	r := &tenantPerCustomerRun{t: t, env: newTestEnv(t), dir: t.TempDir()}
	// The root tenant's credentials come from the environment idp-server
	// prints, which the example's null variables leave to the provider.
	r.environ = append(os.Environ(), "TF_CLI_CONFIG_FILE="+providerMirrorConfig(t),
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0", "IDP_DOMAIN="+r.env.url,
		"IDP_CLIENT_ID="+r.env.srv.AdminClientID(), "IDP_CLIENT_SECRET="+r.env.srv.AdminClientSecret())
	example := filepath.Join(examplesDir, "tenant-per-customer-tofu")
	files, err := filepath.Glob(filepath.Join(example, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no configuration in %s (%v)", example, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(r.dir, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r.cli([]int{0}, "init", "-input=false", "-no-color")

	// The example's own customers, acme and globex: two tenants, an API,
	// a client and a grant in each, in one apply.
	r.apply(nil)
	r.outputs([]string{"acme", "globex"}, []string{"acme", "globex"})

	// Another customer is one more entry in the map and one apply.
	r.apply(map[string]bool{"acme": true, "globex": true, "initech": true})
	r.outputs([]string{"acme", "globex", "initech"}, []string{"acme", "globex", "initech"})

	// Retiring globex, first apply: what its tenant holds goes, while its
	// provider instance still exists; then it leaves the map, and its
	// tenant goes.
	r.apply(map[string]bool{"acme": true, "globex": false, "initech": true})
	r.outputs([]string{"acme", "globex", "initech"}, []string{"acme", "initech"})
	r.apply(map[string]bool{"acme": true, "initech": true})
	r.outputs([]string{"acme", "initech"}, []string{"acme", "initech"})

	r.cli([]int{0}, "destroy", "-auto-approve", "-input=false", "-no-color")
	r.server(0)
}

// providerMirrorConfig builds the provider's binary into a filesystem
// mirror and writes a CLI configuration, for Terraform or OpenTofu, that
// installs the provider from there, and nothing from the network. The
// mirror serves the provider under both registry hosts. It returns the
// configuration's path.
func providerMirrorConfig(t *testing.T) string {
	t.Helper()
	const version = "0.1.0" // within the examples' constraint, ~> 0.1
	mirror := t.TempDir()
	binary := filepath.Join(mirror, registryHosts[0], providerNamespace, "idp", version,
		runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-idp_v"+version)
	cmd := exec.CommandContext(t.Context(), "go", "build", "-o", binary, "github.com/idp-terraform/terraform-provider-idp")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build the provider: %v\n%s", err, out)
	}
	var include []string
	for _, host := range registryHosts {
		include = append(include, fmt.Sprintf("%q", host+"/"+providerNamespace+"/idp"))
		if host == registryHosts[0] {
			continue
		}
		// The same binary under the other host: a link, not a second build.
		other := filepath.Join(mirror, host, providerNamespace, "idp", version, runtime.GOOS+"_"+runtime.GOARCH)
		if err := os.MkdirAll(other, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Link(binary, filepath.Join(other, filepath.Base(binary))); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "terraform.rc")
	cfg := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%s]
  }
}
`, mirror, strings.Join(include, ", "))
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// isRFC3339 checks that a value is an RFC 3339 time.
func isRFC3339(v string) error {
	_, err := time.Parse(time.RFC3339, v)
	return err
}

// expectNoResourceChanges is a plan check that fails when the plan changes
// any managed resource; changed outputs are fine.
type expectNoResourceChanges struct{}

var _ plancheck.PlanCheck = expectNoResourceChanges{}

func (expectNoResourceChanges) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var changed []string
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Mode == tfjson.ManagedResourceMode && rc.Change != nil && !rc.Change.Actions.NoOp() {
			changed = append(changed, fmt.Sprintf("%s (%v)", rc.Address, rc.Change.Actions))
		}
	}
	if len(changed) > 0 {
		resp.Error = fmt.Errorf("the plan after apply changes resources: %s", strings.Join(changed, ", "))
	}
}

// Every example that declares the provider constrains its version, so that
// what users copy does not take a future major version unasked.
func TestExamples_constrainTheProviderVersion(t *testing.T) {
	declared := regexp.MustCompile(`source\s*=\s*"idp-terraform/idp"\n\s*version\s*=\s*"[^"]+"`)
	n := 0
	err := filepath.WalkDir(examplesDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".tf") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), `"idp-terraform/idp"`) {
			n++
			if !declared.Match(b) {
				t.Errorf("%s declares the provider without a version constraint", path)
			}
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walking the examples: %v (%d declarations)", err, n)
	}
}
