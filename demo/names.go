package demo

import "strings"

// Given names and family names from many places, as in an international
// company. Combinations are drawn with the seeded generator.
var givenNames = []string{
	"Aaliyah", "Aarav", "Abebe", "Adaeze", "Adrian", "Agnieszka", "Ahmed", "Aiko", "Aisha", "Alejandro",
	"Alessia", "Amara", "Amelia", "Ana", "Anders", "Andrea", "Anh", "Anika", "Arjun", "Astrid",
	"Ayesha", "Beatriz", "Benjamin", "Bilal", "Bruno", "Camila", "Carmen", "Catalina", "Chen", "Chiara",
	"Chinedu", "Chloé", "Christopher", "Clara", "Dalia", "Daniela", "Dario", "David", "Deepa", "Diego",
	"Dmitri", "Ebony", "Elif", "Elijah", "Emeka", "Emil", "Emma", "Erik", "Esther", "Fatima",
	"Felix", "Fernando", "Fiona", "Freya", "Gabriel", "Grace", "Hamza", "Hana", "Hannah", "Hiroshi",
	"Ibrahim", "Ines", "Ingrid", "Isabel", "Ivan", "Jade", "Jamal", "James", "Javier", "Jin",
	"Joanna", "Jonas", "Jorge", "Julia", "Kai", "Kamala", "Karim", "Katarzyna", "Kenji", "Kofi",
	"Lars", "Laura", "Layla", "Leila", "Leon", "Liam", "Lina", "Lucas", "Lucía", "Luis",
	"Magnus", "Malik", "Mariam", "Marco", "Marta", "Mateo", "Mei", "Mia", "Mohammed", "Nadia",
	"Naomi", "Nikhil", "Nina", "Noah", "Nour", "Olivia", "Omar", "Oscar", "Pablo", "Paolo",
	"Patrick", "Pooja", "Rafael", "Rahul", "Rania", "Rebecca", "Ren", "Rosa", "Ryan", "Saanvi",
	"Samira", "Santiago", "Sara", "Sebastian", "Sofia", "Soren", "Stefan", "Sun", "Tariq", "Thabo",
	"Theo", "Valentina", "Vikram", "Wei", "Yara", "Yusuf", "Zainab", "Zara", "Zoe", "Zoltan",
}

var familyNames = []string{
	"Abara", "Adeyemi", "Ahmadi", "Almeida", "Andersen", "Bakker", "Banerjee", "Becker", "Bianchi", "Brennan",
	"Castillo", "Chaudhry", "Chen", "Costa", "Cruz", "Dahl", "Dubois", "Dvořák", "Eriksen", "Esposito",
	"Fernandes", "Fischer", "Fontaine", "García", "Ghosh", "Gonzalez", "Gupta", "Haddad", "Hansen", "Hernández",
	"Hoffmann", "Horvat", "Ibrahim", "Ito", "Ivanova", "Jansen", "Jensen", "Johansson", "Kamau", "Kaplan",
	"Khan", "Kim", "Kowalski", "Kumar", "Laine", "Larsen", "Lee", "Lindqvist", "López", "Mahlaba",
	"Martin", "Mendes", "Mensah", "Meyer", "Moreau", "Murphy", "Nakamura", "Ndlovu", "Nguyen", "Novak",
	"Nowak", "O'Brien", "Okonkwo", "Olsen", "Ortiz", "Owusu", "Park", "Patel", "Pereira", "Petrov",
	"Popescu", "Quinn", "Rahman", "Ramos", "Rao", "Reddy", "Ribeiro", "Rossi", "Russo", "Saito",
	"Santos", "Schmidt", "Schneider", "Shah", "Silva", "Singh", "Sokolov", "Suzuki", "Takahashi", "Tan",
	"Taylor", "Thompson", "Torres", "Tran", "Varga", "Vasquez", "Wagner", "Walsh", "Wang", "Weber",
	"Williams", "Wójcik", "Yamamoto", "Yilmaz", "Yusuf", "Zhang", "Zhou", "Zimmermann",
}

// emailLocal turns a name into the local part of an address:
// "Tomás Álvarez" becomes "tomas.alvarez".
func emailLocal(given, family string) string {
	return ascii(given) + "." + ascii(family)
}

// folds turns the accented letters of the name lists into plain ones.
var folds = strings.NewReplacer("á", "a", "à", "a", "ä", "a", "å", "a", "é", "e", "è", "e", "ě", "e", "í", "i",
	"ó", "o", "ö", "o", "ø", "o", "ú", "u", "ü", "u", "ñ", "n", "ç", "c", "č", "c", "ř", "r", "š", "s", "ž", "z",
	"ł", "l", "ń", "n", "ś", "s", "ć", "c", "ğ", "g", "ı", "i", "ş", "s")

// ascii lowers a name to the letters and digits of an e-mail address.
func ascii(s string) string {
	s = folds.Replace(strings.ToLower(s))
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
