package scim

import (
	"net/http"
	"strconv"
	"time"

	"github.com/wayfare-org/wayfare/people"
)

// The resources as provisioning writes them.

type user struct {
	Schemas     []string    `json:"schemas"`
	ID          string      `json:"id"`
	ExternalID  string      `json:"externalId,omitempty"`
	UserName    string      `json:"userName"`
	Name        name        `json:"name"`
	DisplayName string      `json:"displayName"`
	Title       string      `json:"title,omitempty"`
	Emails      []email     `json:"emails"`
	Active      bool        `json:"active"`
	Enterprise  *enterprise `json:"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User,omitempty"`
	Meta        meta        `json:"meta"`
}

type name struct {
	Formatted  string `json:"formatted,omitempty"`
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
}

type email struct {
	Value   string `json:"value"`
	Type    string `json:"type"`
	Primary bool   `json:"primary"`
}

type enterprise struct {
	Manager *ref `json:"manager,omitempty"`
}

// ref points at another resource.
type ref struct {
	Value   string `json:"value"`
	Ref     string `json:"$ref,omitempty"`
	Display string `json:"display,omitempty"`
}

type meta struct {
	ResourceType string     `json:"resourceType"`
	Created      *time.Time `json:"created,omitempty"`
	Location     string     `json:"location"`
}

type group struct {
	Schemas     []string `json:"schemas"`
	ID          string   `json:"id"`
	ExternalID  string   `json:"externalId,omitempty"`
	DisplayName string   `json:"displayName"`
	Members     *[]ref   `json:"members,omitempty"`
	Meta        meta     `json:"meta"`
}

type listResponse[T any] struct {
	Schemas      []string `json:"schemas"`
	TotalResults int      `json:"totalResults"`
	StartIndex   int      `json:"startIndex"`
	ItemsPerPage int      `json:"itemsPerPage"`
	Resources    []T      `json:"Resources"`
}

func list[T any](total, start int, items []T) listResponse[T] {
	return listResponse[T]{Schemas: []string{listSchema}, TotalResults: total, StartIndex: start,
		ItemsPerPage: len(items), Resources: items}
}

// userOf is a person as provisioning writes them.
func userOf(d *people.DirectoryPerson, base string) user {
	given, family := nameParts(d)
	created := d.CreatedAt
	u := user{Schemas: []string{userSchema}, ID: d.ID.String(), ExternalID: d.ExternalID, UserName: d.Email,
		Name:        name{Formatted: d.Name, GivenName: given, FamilyName: family},
		DisplayName: d.Name, Title: d.Title, Emails: []email{{Value: d.Email, Type: "work", Primary: true}},
		Active: d.Status == people.Active,
		Meta:   meta{ResourceType: "User", Created: &created, Location: base + "/Users/" + d.ID.String()}}
	if d.ManagerID != nil {
		u.Schemas = append(u.Schemas, enterpriseSchema)
		u.Enterprise = &enterprise{Manager: &ref{Value: d.ManagerID.String(), Ref: base + "/Users/" + d.ManagerID.String()}}
	}
	return u
}

// groupOf is a group as provisioning writes it; with members or without.
func groupOf(g *people.DirectoryGroup, base string, members bool) group {
	created := g.CreatedAt
	out := group{Schemas: []string{groupSchema}, ID: g.ID.String(), ExternalID: g.ExternalID, DisplayName: g.Name,
		Meta: meta{ResourceType: "Group", Created: &created, Location: base + "/Groups/" + g.ID.String()}}
	if members {
		refs := make([]ref, 0, len(g.Members))
		for _, m := range g.Members {
			refs = append(refs, ref{Value: m.PersonID.String(), Ref: base + "/Users/" + m.PersonID.String(), Display: m.Name})
		}
		out.Members = &refs
	}
	return out
}

// MaxResults is the most resources one list answers with.
const MaxResults = 200

// page reads startIndex (from 1) and count (MaxResults at most; 100
// when left out) from a list's query.
func page(r *http.Request) (start, count int, err error) {
	start, count = 1, 100
	q := r.URL.Query()
	if v := q.Get("startIndex"); v != "" {
		if start, err = strconv.Atoi(v); err != nil {
			return 0, 0, invalid("invalidValue", "startIndex must be a number")
		}
		start = max(start, 1) // RFC 7644 §3.4.2.4: less than 1 is 1
	}
	if v := q.Get("count"); v != "" {
		if count, err = strconv.Atoi(v); err != nil {
			return 0, 0, invalid("invalidValue", "count must be a number")
		}
		count = min(max(count, 0), MaxResults)
	}
	return start, count, nil
}
