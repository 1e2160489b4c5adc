package scim

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"strings"
)

// Discovery (RFC 7644 §4): what provisioning supports, its resource
// types and the schemas of their attributes, which identity providers
// read to map their own attributes.

//go:embed schemas.json
var schemasJSON []byte

// schemaDocs are the schemas, parsed once; each answer copies one and
// adds its meta.
var schemaDocs = func() []map[string]any {
	var docs []map[string]any
	if err := json.Unmarshal(schemasJSON, &docs); err != nil {
		panic("scim: schemas.json: " + err.Error())
	}
	return docs
}()

func (s *Server) serviceProviderConfig(w http.ResponseWriter, r *http.Request) error {
	supported := func(b bool) map[string]bool { return map[string]bool{"supported": b} }
	s.write(w, http.StatusOK, map[string]any{
		"schemas":        []string{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"},
		"patch":          supported(true),
		"bulk":           map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":         map[string]any{"supported": true, "maxResults": MaxResults},
		"changePassword": supported(false),
		"sort":           supported(false),
		"etag":           supported(false),
		"authenticationSchemes": []map[string]any{{
			"type": "oauthbearertoken", "name": "Provisioning token", "primary": true,
			"description": "Authorization: Bearer <token>, with a provisioning token an admin made on /admin/settings or with wayfare scim token create",
		}},
		"meta": map[string]string{"resourceType": "ServiceProviderConfig", "location": s.base(r) + "/ServiceProviderConfig"},
	})
	return nil
}

// resourceTypeDocs returns the resource types, for the base URL.
func resourceTypeDocs(base string) []map[string]any {
	doc := func(id, endpoint, schema, description string, extensions ...map[string]any) map[string]any {
		d := map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"},
			"id": id, "name": id, "endpoint": endpoint, "schema": schema, "description": description,
			"meta": map[string]string{"resourceType": "ResourceType", "location": base + "/ResourceTypes/" + id}}
		if len(extensions) > 0 {
			d["schemaExtensions"] = extensions
		}
		return d
	}
	return []map[string]any{
		doc("User", "/Users", userSchema, "A person of the organization",
			map[string]any{"schema": enterpriseSchema, "required": false}),
		doc("Group", "/Groups", groupSchema, "A group of the organization"),
	}
}

func (s *Server) resourceTypes(w http.ResponseWriter, r *http.Request) error {
	docs := resourceTypeDocs(s.base(r))
	s.write(w, http.StatusOK, list(len(docs), 1, docs))
	return nil
}

func (s *Server) resourceType(w http.ResponseWriter, r *http.Request) error {
	for _, d := range resourceTypeDocs(s.base(r)) {
		if strings.EqualFold(d["id"].(string), r.PathValue("id")) {
			s.write(w, http.StatusOK, d)
			return nil
		}
	}
	return &problem{status: http.StatusNotFound, detail: "there is no resource type " + r.PathValue("id")}
}

// schemaDoc returns a schema with its meta, for the base URL.
func schemaDoc(d map[string]any, base string) map[string]any {
	out := map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Schema"},
		"meta": map[string]string{"resourceType": "Schema", "location": base + "/Schemas/" + d["id"].(string)}}
	for k, v := range d {
		out[k] = v
	}
	return out
}

func (s *Server) schemas(w http.ResponseWriter, r *http.Request) error {
	docs := make([]map[string]any, 0, len(schemaDocs))
	for _, d := range schemaDocs {
		docs = append(docs, schemaDoc(d, s.base(r)))
	}
	s.write(w, http.StatusOK, list(len(docs), 1, docs))
	return nil
}

func (s *Server) schema(w http.ResponseWriter, r *http.Request) error {
	for _, d := range schemaDocs {
		if strings.EqualFold(d["id"].(string), r.PathValue("id")) {
			s.write(w, http.StatusOK, schemaDoc(d, s.base(r)))
			return nil
		}
	}
	return &problem{status: http.StatusNotFound, detail: "there is no schema " + r.PathValue("id")}
}
