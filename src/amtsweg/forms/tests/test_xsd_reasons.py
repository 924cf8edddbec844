"""XSD violations in a FIM file are explained in German (what the Fachadmin reads in the import form)."""

from __future__ import annotations

import xmlschema
from lxml import etree

from amtsweg.forms.fim.xsd import _german_reason

SCHEMA = xmlschema.XMLSchema(
    """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
<xs:element name="r"><xs:complexType><xs:sequence>
<xs:element name="e"><xs:simpleType><xs:restriction base="xs:string">
  <xs:enumeration value="select"/><xs:enumeration value="input"/>
</xs:restriction></xs:simpleType></xs:element>
<xs:element name="p"><xs:simpleType><xs:restriction base="xs:string">
  <xs:pattern value="[0-9]{3}"/></xs:restriction></xs:simpleType></xs:element>
<xs:element name="l"><xs:simpleType><xs:restriction base="xs:string">
  <xs:maxLength value="3"/></xs:restriction></xs:simpleType></xs:element>
<xs:element name="m"><xs:simpleType><xs:restriction base="xs:string">
  <xs:minLength value="3"/></xs:restriction></xs:simpleType></xs:element>
<xs:element name="i" type="xs:integer"/>
<xs:element name="b" type="xs:boolean"/>
</xs:sequence><xs:attribute name="x" type="xs:string"/></xs:complexType></xs:element></xs:schema>"""
)


def test_the_common_xsd_violations_read_as_german_sentences() -> None:
    tree = etree.ElementTree(
        etree.fromstring('<r y="1"><e>liste</e><p>12a</p><l>abcd</l><m>a</m><i>zwei</i><b>ja</b></r>')
    )
    reasons = [_german_reason(error) for error in SCHEMA.iter_errors(tree)]
    assert reasons == [
        "das Attribut „y“ ist an „r“ nicht erlaubt.",
        "der Wert „liste“ in „e“ ist nicht erlaubt; erlaubt sind: „select“, „input“.",
        "der Wert „12a“ in „p“ hat nicht das vorgeschriebene Format.",
        "der Wert in „l“ ist länger als 3 Zeichen.",
        "der Wert in „m“ ist kürzer als 3 Zeichen.",
        "„zwei“ in „i“ ist keine gültige Zahl.",
        "„ja“ in „b“ ist kein Wahrheitswert (erlaubt: true, false).",
    ]
