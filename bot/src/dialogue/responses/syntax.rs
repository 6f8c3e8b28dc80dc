//! What the checks need to know of a Fluent message, read from its syntax tree: the variables it
//! uses, those it selects on (plural forms), and its variants (a `$variant` selector around the
//! whole message).

use std::collections::BTreeSet;

use fluent_syntax::ast;

/// The variable by which the bot picks one of a reply's variants.
pub const VARIANT: &str = "variant";

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shape {
    /// Every `$name` the message uses, `$variant` aside.
    pub variables: BTreeSet<String>,
    /// The variables it selects on, `$variant` aside: the bot passes them as numbers.
    pub selectors: BTreeSet<String>,
    /// How many variants it has (1 without a `$variant` selector).
    pub variants: usize,
}

/// The shape of a message, or what is wrong with it.
pub fn shape(message: &ast::Message<&str>) -> Result<Shape, String> {
    let Some(value) = &message.value else {
        return Err("has no value (the bot reads no attributes)".into());
    };
    if !message.attributes.is_empty() {
        return Err("has attributes, which the bot does not read".into());
    }
    let mut shape = Shape { variants: 1, ..Shape::default() };
    match variant_select(value) {
        Some(variants) => {
            let mut keys = Vec::with_capacity(variants.len());
            for v in variants {
                match &v.key {
                    ast::VariantKey::NumberLiteral { value } => keys.push(value.parse::<usize>().ok()),
                    ast::VariantKey::Identifier { .. } => keys.push(None),
                }
                walk_pattern(&v.value, &mut shape);
            }
            keys.sort_unstable();
            if !keys.iter().copied().eq((0..variants.len()).map(Some)) {
                return Err("the variants of `$variant` must be numbered [0], [1], [2]… without gaps".into());
            }
            shape.variants = variants.len();
        }
        None => walk_pattern(value, &mut shape),
    }
    if shape.variables.contains(VARIANT) || shape.selectors.contains(VARIANT) {
        return Err("uses `$variant` other than as the one selector around the whole message".into());
    }
    Ok(shape)
}

/// The variants of a message that is one `{ $variant -> … }` selector.
fn variant_select<'a>(pattern: &'a ast::Pattern<&'a str>) -> Option<&'a [ast::Variant<&'a str>]> {
    match pattern.elements.as_slice() {
        [
            ast::PatternElement::Placeable {
                expression: ast::Expression::Select { selector: ast::InlineExpression::VariableReference { id }, variants },
            },
        ] if id.name == VARIANT => Some(variants),
        _ => None,
    }
}

/// Whether the message (or one of its variants) begins with a variable's value.
pub fn starts_with_variable(message: &ast::Message<&str>) -> bool {
    let starts = |p: &ast::Pattern<&str>| {
        matches!(
            p.elements.first(),
            Some(ast::PatternElement::Placeable { expression: ast::Expression::Inline(ast::InlineExpression::VariableReference { .. }) })
        )
    };
    match &message.value {
        Some(value) => match variant_select(value) {
            Some(variants) => variants.iter().any(|v| starts(&v.value)),
            None => starts(value),
        },
        None => false,
    }
}

fn walk_pattern(pattern: &ast::Pattern<&str>, shape: &mut Shape) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            walk_expression(expression, shape);
        }
    }
}

fn walk_expression(expression: &ast::Expression<&str>, shape: &mut Shape) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            if let ast::InlineExpression::VariableReference { id } = selector {
                shape.selectors.insert(id.name.to_string());
            }
            walk_inline(selector, shape);
            for v in variants {
                walk_pattern(&v.value, shape);
            }
        }
        ast::Expression::Inline(inline) => walk_inline(inline, shape),
    }
}

fn walk_inline(inline: &ast::InlineExpression<&str>, shape: &mut Shape) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            shape.variables.insert(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => walk_arguments(arguments, shape),
        ast::InlineExpression::TermReference { arguments: Some(arguments), .. } => walk_arguments(arguments, shape),
        ast::InlineExpression::Placeable { expression } => walk_expression(expression, shape),
        _ => {}
    }
}

fn walk_arguments(arguments: &ast::CallArguments<&str>, shape: &mut Shape) {
    for a in &arguments.positional {
        walk_inline(a, shape);
    }
    for a in &arguments.named {
        walk_inline(&a.value, shape);
    }
}

/// The line (from 1) of a byte offset.
pub fn line_at(source: &str, offset: usize) -> usize {
    source.as_bytes()[..offset.min(source.len())].iter().filter(|b| **b == b'\n').count() + 1
}

/// The line (from 1) where the message `id` starts, if it does.
pub fn line_of(source: &str, id: &str) -> Option<usize> {
    source
        .lines()
        .position(|line| line.strip_prefix(id).is_some_and(|rest| rest.trim_start().starts_with('=')))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape_of(ftl: &str) -> Result<Shape, String> {
        let resource = fluent_syntax::parser::parse(ftl).expect("valid Fluent");
        match &resource.body[0] {
            ast::Entry::Message(m) => shape(m),
            other => panic!("not a message: {other:?}"),
        }
    }

    #[test]
    fn reads_variables_selectors_and_variants() {
        let s = shape_of("m = { $variant ->\n   *[0] { $n ->\n        [one] one { $what }\n       *[other] { $n } { $what }s\n    }\n    [1] { $n } { $what }\n}\n")
            .unwrap();
        assert_eq!(s.variants, 2);
        assert_eq!(s.variables, ["n", "what"].map(String::from).into());
        assert_eq!(s.selectors, ["n"].map(String::from).into());
        assert_eq!(shape_of("m = plain { $x }").unwrap().variants, 1);
    }

    #[test]
    fn sees_a_value_first() {
        let first = |ftl: &str| match &fluent_syntax::parser::parse(ftl).unwrap().body[0] {
            ast::Entry::Message(m) => starts_with_variable(m),
            _ => unreachable!(),
        };
        assert!(first("m = { $agent } joined"));
        assert!(first("m = { $variant ->\n   *[0] hi\n    [1] { $agent } hi\n}\n"));
        assert!(!first("m = joined: { $agent }"));
    }

    #[test]
    fn rejects_misused_variants() {
        assert!(shape_of("m = { $variant ->\n   *[0] a\n    [2] b\n}\n").unwrap_err().contains("numbered"));
        assert!(shape_of("m = { $variant ->\n   *[first] a\n    [1] b\n}\n").unwrap_err().contains("numbered"));
        assert!(shape_of("m = a { $variant }").unwrap_err().contains("$variant"));
        assert!(shape_of("m = a\n    .title = b\n").unwrap_err().contains("attributes"));
    }

    #[test]
    fn finds_lines() {
        let source = "# c\nfirst = a\n\nsecond-one = b\n";
        assert_eq!(line_of(source, "second-one"), Some(4));
        assert_eq!(line_of(source, "second"), None);
        assert_eq!(line_at(source, source.find("second").unwrap()), 4);
    }
}
