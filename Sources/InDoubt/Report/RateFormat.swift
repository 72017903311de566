import Foundation

/// How reports print rates and element lists, in one place.
public enum RateFormat {
    /// A rate rounded to 9 decimals, trailing zeros trimmed but at least one decimal kept,
    /// as in the article: `0.95`, `0.0`, `0.002105263`, `1.0`. `nil` (a zero denominator)
    /// and non-finite values print as `n/a`.
    public static func string(_ rate: Double?) -> String {
        guard let rate, rate.isFinite else { return "n/a" }
        var text = String(format: "%.9f", rate)
        while text.hasSuffix("0") {
            text.removeLast()
        }
        if text.hasSuffix(".") {
            text += "0"
        }
        return text == "-0.0" ? "0.0" : text
    }
}
