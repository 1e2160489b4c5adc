package scim

import (
	"encoding/json"
	"strings"

	"github.com/wayfare-org/wayfare/people"
)

// userDoc is what provisioning says of a person, by SCIM's attributes:
// read from a body, or from the person and then patched. One e-mail
// address is kept, userName's; the person's name is displayName, or
// name.formatted, or the name's parts, or else userName.
type userDoc struct {
	userName    string
	displayName string
	formatted   string
	givenName   string
	familyName  string
	title       string
	externalID  string
	active      *bool   // nil: as it is
	manager     *string // nil: as it is; "": nobody
}

// docOf is a person as patches find them. A name made of its parts
// follows them when a patch changes only the parts.
func docOf(d *people.DirectoryPerson) *userDoc {
	given, family := nameParts(d)
	u := &userDoc{userName: d.Email, displayName: d.Name, givenName: given, familyName: family,
		title: d.Title, externalID: d.ExternalID}
	if d.Name == joinName(given, family) {
		u.displayName = ""
	}
	return u
}

// nameParts returns a person's given and family names: the directory's,
// or, for people it did not provision, their name cut before its last
// word.
func nameParts(d *people.DirectoryPerson) (given, family string) {
	if d.GivenName != "" || d.FamilyName != "" {
		return d.GivenName, d.FamilyName
	}
	words := strings.Fields(d.Name)
	if len(words) < 2 {
		return d.Name, ""
	}
	return strings.Join(words[:len(words)-1], " "), words[len(words)-1]
}

func joinName(given, family string) string { return strings.TrimSpace(given + " " + family) }

// setAll sets every attribute of a body or of a patch's value.
func (u *userDoc) setAll(o object) error {
	for _, k := range o.keys() {
		if err := u.set(k, o[k]); err != nil {
			return err
		}
	}
	return nil
}

// set sets the attribute a path names. Attributes Wayfare does not keep
// (phone numbers, addresses, passwords, …) are ignored, as SCIM allows.
func (u *userDoc) set(path string, v json.RawMessage) error {
	p, err := parsePath(path)
	if err != nil {
		return err
	}
	var field *string
	switch p.key() {
	case "", "name", "enterprise:":
		return u.setWithin(p, v, path)
	case "active":
		b, err := boolValue(path, v)
		u.active = &b
		return err
	case "enterprise:manager":
		return u.setManager(path, v)
	case "username":
		field = &u.userName
	case "displayname":
		field = &u.displayName
	case "name.formatted":
		field = &u.formatted
	case "name.givenname":
		field = &u.givenName
	case "name.familyname":
		field = &u.familyName
	case "title":
		field = &u.title
	case "externalid":
		field = &u.externalID
	case "enterprise:manager.value":
		id, err := stringValue(path, v)
		u.manager = &id
		return err
	default:
		return nil
	}
	*field, err = stringValue(path, v)
	return err
}

// setWithin sets the attributes within a complex attribute or a
// schema's object: those it leaves out stay as they are.
func (u *userDoc) setWithin(p attrPath, v json.RawMessage, path string) error {
	o, err := objectValue(path, v)
	if err != nil {
		return err
	}
	for _, k := range o.keys() {
		sub := k
		switch {
		case p.attr == "name":
			sub = "name." + k
		case p.schema != "":
			sub = p.schema + ":" + k
		}
		if err := u.set(sub, o[k]); err != nil {
			return err
		}
	}
	return nil
}

// setManager reads the enterprise extension's manager: {"value": id}, or
// the id alone as Entra ID sends it in patches.
func (u *userDoc) setManager(path string, v json.RawMessage) error {
	var ref struct {
		Value *string `json:"value"`
	}
	id, err := stringValue(path, v)
	if err != nil {
		if json.Unmarshal(v, &ref) != nil {
			return invalid("invalidValue", "%s must be {\"value\": id} or an id", path)
		}
		if ref.Value != nil {
			id = *ref.Value
		}
	}
	u.manager = &id
	return nil
}

// remove empties the attribute a path names.
func (u *userDoc) remove(path string) error {
	p, err := parsePath(path)
	if err != nil {
		return err
	}
	switch p.key() {
	case "username":
		return invalid("invalidValue", "userName cannot be removed: it is the person's e-mail address")
	case "active":
		return invalid("invalidValue", "active cannot be removed: make it false")
	case "displayname":
		u.displayName = ""
	case "name":
		u.formatted, u.givenName, u.familyName = "", "", ""
	case "name.formatted":
		u.formatted = ""
	case "name.givenname":
		u.givenName = ""
	case "name.familyname":
		u.familyName = ""
	case "title":
		u.title = ""
	case "externalid":
		u.externalID = ""
	case "enterprise:manager", "enterprise:manager.value":
		u.manager = new("")
	}
	return nil
}

// apply applies a patch's operations in order.
func (u *userDoc) apply(ops []operation) error {
	for _, op := range ops {
		var err error
		switch {
		case op.op == "remove":
			err = u.remove(op.path)
		case op.path == "":
			var o object
			if o, err = objectValue("value", op.value); err == nil {
				err = u.setAll(o)
			}
		default:
			err = u.set(op.path, op.value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// input is what the directory service is given; the manager is
// resolved apart, as it may be named by an e-mail address.
func (u *userDoc) input() people.DirectoryPersonInput {
	name := u.displayName
	for _, n := range []string{u.formatted, joinName(u.givenName, u.familyName), u.userName} {
		if strings.TrimSpace(name) == "" {
			name = n
		}
	}
	return people.DirectoryPersonInput{Email: u.userName, Name: name, Title: u.title, GivenName: u.givenName,
		FamilyName: u.familyName, ExternalID: u.externalID, Active: u.active}
}
