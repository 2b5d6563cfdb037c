//! The `types` module: one Rust type per named schema.

use super::{docs, ident, type_tokens};
use crate::ir::{Api, Enum, EnumRepr, Extra, Field, Struct, TypeDef, TypeKind, TypeRef, Union};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// The `types` module.
pub(crate) fn emit(api: &Api) -> TokenStream {
    let mut uses_deserialize_some = false;
    let items: Vec<TokenStream> = api
        .types
        .iter()
        .map(|def| type_def(api, def, &mut uses_deserialize_some))
        .collect();
    let helper = uses_deserialize_some.then(|| {
        quote! {
            /// Reads a present value (even `null`) as `Some`, so an explicit `null` survives a round trip.
            fn deserialize_some<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
            where
                D: serde::Deserializer<'de>,
                T: serde::Deserialize<'de>,
            {
                T::deserialize(deserializer).map(Some)
            }
        }
    });
    quote! {
        /// The API's data types, one per schema of the spec.
        pub mod types {
            #![allow(clippy::large_enum_variant, clippy::derivable_impls, deprecated)]
            #helper
            #(#items)*
        }
    }
}

fn type_def(api: &Api, def: &TypeDef, uses_helper: &mut bool) -> TokenStream {
    let fallback = format!("`{}` (the spec does not describe it).", schema_name(def));
    let doc = docs::attrs(&def.docs, &fallback);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct(s) => structure(api, &name, doc, s, uses_helper),
        TypeKind::Enum(e) => enumeration(&name, doc, e),
        TypeKind::Union(u) => union(api, &name, doc, u),
        TypeKind::Alias(ty) => {
            let ty = type_tokens(api, ty, true);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
        TypeKind::Newtype(ty) => {
            let ty = type_tokens(api, ty, true);
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #ty);
            }
        }
    }
}

fn schema_name(def: &TypeDef) -> String {
    def.pointer
        .rsplit('/')
        .next()
        .unwrap_or(&def.name)
        .replace("~1", "/")
        .replace("~0", "~")
}

/// How a field is declared: the Rust type and serde attributes.
struct FieldShape {
    ty: TokenStream,
    attrs: Vec<TokenStream>,
    /// `Option`-wrapped, so `Default` gives `None`.
    optional: bool,
}

fn field_shape(api: &Api, field: &Field, uses_helper: &mut bool) -> FieldShape {
    let mut base = type_tokens(api, &field.ty, true);
    if field.boxed {
        base = quote!(Box<#base>);
    }
    let any = field.ty == TypeRef::Any;
    let mut attrs = Vec::new();
    let (ty, optional) = match (field.required, field.nullable || any) {
        (true, false) => (base, false),
        // Required but may be null: `None` is written as `null`.
        (true, true) if any => (base, false),
        (true, true) => (quote!(Option<#base>), true),
        (false, false) => {
            attrs.push(quote!(default, skip_serializing_if = "Option::is_none"));
            (quote!(Option<#base>), true)
        }
        // Optional and nullable: absent is `None`, `null` is `Some(None)` (or `Some(Value::Null)`).
        (false, true) => {
            *uses_helper = true;
            attrs.push(quote!(
                default,
                skip_serializing_if = "Option::is_none",
                deserialize_with = "deserialize_some"
            ));
            if any {
                (quote!(Option<#base>), true)
            } else {
                (quote!(Option<Option<#base>>), true)
            }
        }
    };
    FieldShape {
        ty,
        attrs,
        optional,
    }
}

fn structure(
    api: &Api,
    name: &proc_macro2::Ident,
    doc: TokenStream,
    s: &Struct,
    uses_helper: &mut bool,
) -> TokenStream {
    let mut fields = Vec::new();
    let mut all_optional = true;
    let mut required_args = Vec::new();
    let mut inits = Vec::new();
    for field in &s.fields {
        let shape = field_shape(api, field, uses_helper);
        let field_ident = ident(&field.rust_name);
        let plain_name = field.rust_name.trim_start_matches("r#");
        let mut serde_attrs = shape.attrs.clone();
        if plain_name != field.json_name {
            let json_name = &field.json_name;
            serde_attrs.insert(0, quote!(rename = #json_name));
        }
        let serde = (!serde_attrs.is_empty()).then(|| quote!(#[serde(#(#serde_attrs),*)]));
        let fallback = code_span(&field.json_name);
        let field_doc = docs::attrs(&field.docs, &fallback);
        let ty = &shape.ty;
        fields.push(quote! {
            #field_doc
            #serde
            pub #field_ident: #ty,
        });
        if shape.optional {
            inits.push(quote!(#field_ident: None));
        } else if field.ty == TypeRef::String && !field.boxed {
            all_optional = false;
            required_args.push(quote!(#field_ident: impl Into<String>));
            inits.push(quote!(#field_ident: #field_ident.into()));
        } else {
            all_optional = false;
            required_args.push(quote!(#field_ident: #ty));
            inits.push(quote!(#field_ident));
        }
    }
    match &s.extra {
        Extra::Keep { field } => {
            let field = ident(field);
            fields.push(quote! {
                /// Properties the spec does not list, kept as sent so nothing is lost.
                #[serde(flatten)]
                pub #field: serde_json::Map<String, serde_json::Value>,
            });
            inits.push(quote!(#field: serde_json::Map::new()));
        }
        Extra::Typed { field, value } => {
            let field = ident(field);
            let value = type_tokens(api, value, true);
            fields.push(quote! {
                /// Further properties (`additionalProperties`).
                #[serde(flatten)]
                pub #field: std::collections::BTreeMap<String, #value>,
            });
            inits.push(quote!(#field: std::collections::BTreeMap::new()));
        }
        Extra::Ignore => {}
    }
    let derive_default = all_optional.then(|| quote!(Default,));
    let constructor_doc = if required_args.is_empty() {
        format!(" A `{name}` with every property unset.")
    } else {
        format!(" A `{name}` from its required properties; the others start unset.")
    };
    let many_arguments =
        (required_args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let constructor = quote! {
        impl #name {
            #[doc = #constructor_doc]
            #many_arguments
            pub fn new(#(#required_args),*) -> Self {
                Self { #(#inits),* }
            }
        }
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #derive_default serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#fields)*
        }
        #constructor
    }
}

fn enumeration(name: &proc_macro2::Ident, doc: TokenStream, e: &Enum) -> TokenStream {
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let variant_docs: Vec<TokenStream> = e
        .variants
        .iter()
        .map(|v| {
            let text = match &v.description {
                Some(d) => format!(
                    "{}: {}",
                    code_span(&v.value).trim_end_matches('.'),
                    docs::rustdoc_safe(d)
                ),
                None => code_span(&v.value),
            };
            docs::plain(&text)
        })
        .collect();
    match e.repr {
        EnumRepr::String => {
            let values: Vec<_> = e.variants.iter().map(|v| v.value.as_str()).collect();
            quote! {
                #doc
                ///
                /// Values this client does not know yet are kept in `Other`.
                #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum #name {
                    #(#variant_docs #variants,)*
                    /// A value not listed in the spec, kept as sent.
                    Other(String),
                }
                impl #name {
                    /// The value as sent on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #(Self::#variants => #values,)*
                            Self::Other(value) => value,
                        }
                    }
                }
                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }
                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        match value {
                            #(#values => Self::#variants,)*
                            other => Self::Other(other.to_owned()),
                        }
                    }
                }
                impl std::str::FromStr for #name {
                    type Err = std::convert::Infallible;
                    fn from_str(value: &str) -> Result<Self, Self::Err> {
                        Ok(Self::from(value))
                    }
                }
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = <String as serde::Deserialize>::deserialize(deserializer)?;
                        Ok(Self::from(value.as_str()))
                    }
                }
            }
        }
        EnumRepr::Integer => {
            let values: Vec<Literal> = e
                .variants
                .iter()
                .map(|v| Literal::i64_unsuffixed(v.value.parse().unwrap_or_default()))
                .collect();
            quote! {
                #doc
                ///
                /// Values this client does not know yet are kept in `Other`.
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum #name {
                    #(#variant_docs #variants,)*
                    /// A value not listed in the spec, kept as sent.
                    Other(i64),
                }
                impl #name {
                    /// The value as sent on the wire.
                    pub fn value(&self) -> i64 {
                        match self {
                            #(Self::#variants => #values,)*
                            Self::Other(value) => *value,
                        }
                    }
                }
                impl From<i64> for #name {
                    fn from(value: i64) -> Self {
                        match value {
                            #(#values => Self::#variants,)*
                            other => Self::Other(other),
                        }
                    }
                }
                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(f, "{}", self.value())
                    }
                }
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_i64(self.value())
                    }
                }
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        <i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)
                    }
                }
            }
        }
    }
}

fn union(api: &Api, name: &proc_macro2::Ident, doc: TokenStream, u: &Union) -> TokenStream {
    let variants: Vec<_> = u.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let payloads: Vec<TokenStream> = u
        .variants
        .iter()
        .map(|v| {
            let ty = type_tokens(api, &v.ty, true);
            if v.boxed { quote!(Box<#ty>) } else { ty }
        })
        .collect();
    let other_name = if u.variants.iter().any(|v| v.rust_name == "Other") {
        "Unrecognized"
    } else {
        "Other"
    };
    let other = format_ident!("{}", other_name);
    let variant_docs: Vec<String> = u
        .variants
        .iter()
        .map(|v| match v.tags.as_slice() {
            [] => format!(" A `{}` value.", v.rust_name),
            tags => format!(
                " A `{}`, tagged {}.",
                v.rust_name,
                tags.iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        })
        .collect();
    match &u.discriminator {
        None => quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(
                    #[doc = #variant_docs]
                    #variants(#payloads),
                )*
                /// A value that matches none of the alternatives, kept as sent.
                #other(serde_json::Value),
            }
        },
        Some(property) => {
            let decoders: Vec<TokenStream> = u
                .variants
                .iter()
                .map(|v| {
                    let variant = ident(&v.rust_name);
                    let ty = type_tokens(api, &v.ty, true);
                    let wrap = if v.boxed {
                        quote!(|v| Self::#variant(Box::new(v)))
                    } else {
                        quote!(Self::#variant)
                    };
                    quote!(serde_json::from_value::<#ty>(value).map(#wrap).map_err(D::Error::custom))
                })
                .collect();
            let tag_patterns: Vec<TokenStream> = u
                .variants
                .iter()
                .map(|v| {
                    let tags = &v.tags;
                    quote!(#(Some(#tags))|*)
                })
                .collect();
            let tag_doc = format!(
                " Chosen by the `{property}` property; other values are kept in `{other_name}`."
            );
            quote! {
                #doc
                ///
                #[doc = #tag_doc]
                #[derive(Debug, Clone, PartialEq)]
                pub enum #name {
                    #(
                        #[doc = #variant_docs]
                        #variants(#payloads),
                    )*
                    /// A value with a tag this client does not know, kept as sent.
                    #other(serde_json::Value),
                }
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        match self {
                            #(Self::#variants(value) => value.serialize(serializer),)*
                            Self::#other(value) => value.serialize(serializer),
                        }
                    }
                }
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        use serde::de::Error as _;
                        let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                        let tag = value.get(#property).and_then(serde_json::Value::as_str).map(str::to_owned);
                        match tag.as_deref() {
                            #(#tag_patterns => #decoders,)*
                            _ => Ok(Self::#other(value)),
                        }
                    }
                }
            }
        }
    }
}

/// `` `text`. `` for a doc line, with a fence long enough for backticks inside, or a plain
/// phrase for the empty string (an empty code span does not render).
fn code_span(text: &str) -> String {
    if text.trim().is_empty() {
        return "The empty string.".to_owned();
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}.")
}
