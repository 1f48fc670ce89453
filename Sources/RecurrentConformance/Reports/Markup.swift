/// Escaping for the HTML and XML reports.
enum Markup {
    /// `text` safe in element content and in quoted attributes of HTML and XML 1.0: `&`, `<`, `>`,
    /// `"` and `'` as references; in an attribute (`inAttribute`) also line breaks and tabs, which an
    /// XML reader would otherwise turn into spaces; and what XML 1.0 cannot hold at all (control
    /// characters other than tab, line feed and carriage return; U+FFFE and U+FFFF) as U+FFFD.
    static func escape(_ text: String, inAttribute: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\r": out += "&#13;"
            case "\n" where inAttribute: out += "&#10;"
            case "\t" where inAttribute: out += "&#9;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
