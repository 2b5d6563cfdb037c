//! The client side: `API` facts, one `Client` method and one request builder per operation.

use super::{docs, ident, is_scalar, resolved, type_tokens};
use crate::Config;
use crate::ir::{
    Api, Body, BodyKind, Operation, PageStyle, Param, ParamLocation, PathPart, ResponseBody,
    SecurityScheme, StatusMatch, TypeKind, TypeRef,
};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// `API`, the builders module and `impl Client`.
pub(crate) fn emit(api: &Api, config: &Config) -> TokenStream {
    let rt = config.runtime_tokens();
    let info = api_info(api, config, &rt);
    let methods: Vec<ClientMethod> = api
        .operations
        .iter()
        .map(|op| client_method(api, op, &rt))
        .collect();
    let builders: Vec<TokenStream> = api
        .operations
        .iter()
        .map(|op| builder(api, op, &rt))
        .collect();
    let pages = page_impls(api, &rt);
    let client_impl = if config.runtime_path == "crate"
        || config.runtime_path.starts_with("crate::")
    {
        let methods = methods.iter().map(|m| {
            let (doc, signature, body) = (&m.doc, &m.signature, &m.body);
            quote!(#doc pub #signature { #body })
        });
        quote! {
            #[allow(deprecated)]
            impl #rt::Client {
                #(#methods)*
            }
        }
    } else {
        // The runtime is another crate's: inherent methods cannot be added to its `Client`, so
        // the operations come as an extension trait.
        let declarations = methods.iter().map(|m| {
            let (doc, signature) = (&m.doc, &m.signature);
            quote!(#doc #signature;)
        });
        let definitions = methods.iter().map(|m| {
            let (signature, body) = (&m.signature, &m.body);
            quote!(#signature { #body })
        });
        let trait_doc = format!(
            " The operations of {}, as methods on the runtime's `Client` (bring this trait into scope).",
            api.title
        );
        quote! {
            #[doc = #trait_doc]
            pub trait ClientExt {
                #(#declarations)*
            }

            #[allow(deprecated)]
            impl ClientExt for #rt::Client {
                #(#definitions)*
            }
        }
    };
    if api.operations.is_empty() {
        // A models-only spec: no builders, and no `impl Client` (which would also not compile
        // where the runtime lives in another crate).
        return info;
    }
    quote! {
        #info

        /// One request builder per operation: set optional parameters, then `send()`.
        pub mod builders {
            #![allow(clippy::too_many_arguments, clippy::large_enum_variant, deprecated)]
            use super::types;
            use #rt as runtime;
            #(#builders)*
        }

        #pages

        #client_impl
    }
}

fn api_info(api: &Api, config: &Config, rt: &TokenStream) -> TokenStream {
    let title = &api.title;
    let version = &api.version;
    let servers = api.servers.iter().map(|s| {
        let (name, url, description) = (&s.name, &s.url, &s.description);
        quote!(#rt::ServerInfo { name: #name, url: #url, description: #description })
    });
    let auth = api.security.iter().map(|scheme| match scheme {
        SecurityScheme::Http { scheme } => quote!(#rt::AuthScheme::Http { scheme: #scheme }),
        SecurityScheme::ApiKeyHeader { name } => {
            quote!(#rt::AuthScheme::ApiKeyHeader { name: #name })
        }
        SecurityScheme::ApiKeyQuery { name } => {
            quote!(#rt::AuthScheme::ApiKeyQuery { name: #name })
        }
        SecurityScheme::ApiKeyCookie { name } => {
            quote!(#rt::AuthScheme::ApiKeyCookie { name: #name })
        }
    });
    let env_prefix = config
        .env_prefix
        .clone()
        .unwrap_or_else(|| default_env_prefix(&api.title));
    let user_agent = config
        .user_agent
        .clone()
        .unwrap_or_else(|| format!("{}-rust-client", env_prefix.to_ascii_lowercase()));
    let doc = format!(
        "Facts about {title} (version {version}) from its spec: servers, authentication, environment.\n\nStart a client with `Client::builder(&API)`; `from_env()` reads `{env_prefix}_API_KEY`, `{env_prefix}_API_BASE_URL` and `{env_prefix}_REGION`."
    );
    let doc = docs::plain(&doc);
    quote! {
        #doc
        pub static API: #rt::ApiInfo = #rt::ApiInfo {
            title: #title,
            version: #version,
            servers: &[#(#servers),*],
            auth: &[#(#auth),*],
            env_prefix: #env_prefix,
            user_agent: #user_agent,
        };
    }
}

/// `Rescale API` -> `RESCALE`.
fn default_env_prefix(title: &str) -> String {
    let words: Vec<&str> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !w.eq_ignore_ascii_case("api"))
        .collect();
    let prefix = words.join("_").to_ascii_uppercase();
    if prefix.is_empty() {
        "API".into()
    } else {
        prefix
    }
}

/// How a parameter or body part is taken by the client method or a setter.
struct Arg {
    /// The argument type in the signature.
    param_ty: TokenStream,
    /// The stored type.
    stored_ty: TokenStream,
    /// Converts the argument (`value`) to the stored type.
    convert: TokenStream,
}

fn arg_for(api: &Api, ty: &TypeRef, rt: &TokenStream) -> Arg {
    match ty {
        TypeRef::String => Arg {
            param_ty: quote!(impl Into<String>),
            stored_ty: quote!(String),
            convert: quote!(value.into()),
        },
        TypeRef::Binary => Arg {
            param_ty: quote!(#rt::UploadSource),
            stored_ty: quote!(#rt::UploadSource),
            convert: quote!(value),
        },
        TypeRef::Array(item) if **item == TypeRef::Binary => Arg {
            param_ty: quote!(Vec<#rt::UploadSource>),
            stored_ty: quote!(Vec<#rt::UploadSource>),
            convert: quote!(value),
        },
        other => {
            let t = type_tokens(api, other, false);
            Arg {
                param_ty: t.clone(),
                stored_ty: t,
                convert: quote!(value),
            }
        }
    }
}

/// One input of an operation: a parameter or a multipart part or the body.
struct Input<'a> {
    rust_name: &'a str,
    ty: TypeRef,
    required: bool,
    docs: &'a crate::ir::Docs,
    wire_name: &'a str,
}

fn inputs<'a>(op: &'a Operation, body_docs: &'a crate::ir::Docs) -> Vec<Input<'a>> {
    let mut out: Vec<Input<'a>> = op
        .params
        .iter()
        .map(|p| Input {
            rust_name: &p.rust_name,
            ty: p.ty.clone(),
            required: p.required,
            docs: &p.docs,
            wire_name: &p.name,
        })
        .collect();
    if let Some(body) = &op.body {
        match &body.kind {
            BodyKind::Multipart(fields) => out.extend(fields.iter().map(|f| Input {
                rust_name: &f.rust_name,
                ty: f.ty.clone(),
                required: f.required,
                docs: &f.docs,
                wire_name: &f.name,
            })),
            BodyKind::Json(ty) | BodyKind::Form(ty) => out.push(Input {
                rust_name: "body",
                ty: ty.clone(),
                required: body.required,
                docs: body_docs,
                wire_name: "body",
            }),
            BodyKind::Binary => out.push(Input {
                rust_name: "body",
                ty: TypeRef::Binary,
                required: body.required,
                docs: body_docs,
                wire_name: "body",
            }),
            BodyKind::Text => out.push(Input {
                rust_name: "body",
                ty: TypeRef::String,
                required: body.required,
                docs: body_docs,
                wire_name: "body",
            }),
        }
    }
    out
}

/// One operation's method on `Client`, in pieces so it can be an inherent method or a trait method.
struct ClientMethod {
    doc: TokenStream,
    signature: TokenStream,
    body: TokenStream,
}

fn client_method(api: &Api, op: &Operation, rt: &TokenStream) -> ClientMethod {
    let name = ident(&op.rust_name);
    let builder = ident(&op.builder_name);
    let body_docs = op.body.as_ref().map(|b| b.docs.clone()).unwrap_or_default();
    let inputs = inputs(op, &body_docs);
    let required: Vec<&Input> = inputs.iter().filter(|i| i.required).collect();
    let args = required.iter().map(|input| {
        let arg_name = ident(input.rust_name);
        let arg = arg_for(api, &input.ty, rt);
        let ty = arg.param_ty;
        quote!(#arg_name: #ty)
    });
    let arg_names = required.iter().map(|input| ident(input.rust_name));
    let fallback = format!("`{} {}`.", op.method, op.path);
    let mut doc = docs::attrs(&op.docs, &fallback);
    let mut extra = format!("\nSends `{} {}`.", op.method, op.path);
    if !required.is_empty() {
        extra.push_str("\n\n# Arguments\n");
        for input in &required {
            let text = input
                .docs
                .description
                .as_deref()
                .or(input.docs.summary.as_deref())
                .unwrap_or("");
            let first_line = docs::rustdoc_safe(text.lines().next().unwrap_or("").trim());
            let name = input.rust_name.trim_start_matches("r#");
            if first_line.is_empty() {
                extra.push_str(&format!("\n- `{name}`"));
            } else {
                extra.push_str(&format!("\n- `{name}`: {first_line}"));
            }
        }
    }
    let optional: Vec<&Input> = inputs.iter().filter(|i| !i.required).collect();
    if !optional.is_empty() {
        let setters: Vec<String> = optional
            .iter()
            .map(|i| format!("`{}`", i.rust_name.trim_start_matches("r#")))
            .collect();
        extra.push_str(&format!(
            "\n\nOptional, on the returned builder: {}.",
            setters.join(", ")
        ));
    }
    if op.pagination.is_some() {
        extra.push_str("\n\nThe answer is one page; `into_stream()` on the builder yields every item of every page.");
    }
    if let Some(example) = op
        .body
        .as_ref()
        .and_then(|b| b.docs.example.as_deref())
        .filter(|e| e.len() <= 4000)
    {
        extra.push_str("\n\n# Example body\n\n```json\n");
        extra.push_str(example);
        extra.push_str("\n```");
    }
    let extra_doc = docs::plain(&extra);
    doc.extend(extra_doc);
    ClientMethod {
        doc,
        signature: quote!(fn #name(&self, #(#args),*) -> builders::#builder),
        body: quote!(builders::#builder::new(self.clone(), #(#arg_names),*)),
    }
}

fn builder(api: &Api, op: &Operation, rt: &TokenStream) -> TokenStream {
    let name = ident(&op.builder_name);
    let body_docs = op.body.as_ref().map(|b| b.docs.clone()).unwrap_or_default();
    let inputs = inputs(op, &body_docs);
    let mut fields = Vec::new();
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    let mut setters = Vec::new();
    for input in &inputs {
        let field = ident(input.rust_name);
        let arg = arg_for(api, &input.ty, rt);
        let (param_ty, stored_ty, convert) = (arg.param_ty, arg.stored_ty, arg.convert);
        if input.required {
            fields.push(quote!(#field: #stored_ty,));
            new_args.push(quote!(#field: #param_ty));
            new_inits.push(if convert.to_string() == "value" {
                quote!(#field)
            } else {
                quote!(#field: #field.into())
            });
        } else {
            fields.push(quote!(#field: Option<#stored_ty>,));
            new_inits.push(quote!(#field: None));
            let fallback = format!("Sets `{}`.", input.wire_name);
            let doc = docs::attrs(input.docs, &fallback);
            setters.push(quote! {
                #doc
                pub fn #field(mut self, value: #param_ty) -> Self {
                    self.#field = Some(#convert);
                    self
                }
            });
        }
    }
    let request = build_request(api, op);
    let (response_ty, decode, response_enum) = response(api, op);
    let stream = op.pagination.as_ref().map(|p| {
        let page = ident(&api.types[p.page_type].name);
        let item = type_tokens(api, &p.item, false);
        let token = match &p.style {
            PageStyle::NextUrl => quote!(None),
            PageStyle::Token { query_param } => quote!(Some(#query_param)),
        };
        quote! {
            /// Every item of every page, fetched lazily page by page as the stream is read.
            /// Filters and page size set on this builder are kept for every page.
            pub fn into_stream(self) -> impl runtime::Stream<Item = Result<#item, runtime::Error>> + Send + 'static {
                runtime::paginate_prepared::<types::#page>(self.into_request(), #token)
            }
        }
    });
    let builder_doc = format!(
        " Request builder for [`Client::{}`](runtime::Client::{}).",
        op.rust_name.trim_start_matches("r#"),
        op.rust_name.trim_start_matches("r#")
    );
    quote! {
        #response_enum

        #[doc = #builder_doc]
        #[derive(Debug)]
        #[must_use = "a request builder does nothing until `send()` is awaited"]
        pub struct #name {
            client: runtime::Client,
            #(#fields)*
            options: runtime::CallOptions,
        }

        impl #name {
            pub(crate) fn new(client: runtime::Client, #(#new_args),*) -> Self {
                Self { client, #(#new_inits,)* options: runtime::CallOptions::default() }
            }

            #(#setters)*

            /// Overall time limit for this call, instead of the client's.
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            /// Retry policy for this call, instead of the client's (`RetryPolicy::none()` to opt out).
            pub fn retry_policy(mut self, policy: runtime::RetryPolicy) -> Self {
                self.options.retry = Some(policy);
                self
            }

            fn into_request(self) -> Result<(runtime::Client, runtime::Request), runtime::Error> {
                #request
            }

            /// Sends the request and decodes the answer.
            pub async fn send(self) -> Result<runtime::ApiResponse<#response_ty>, runtime::Error> {
                let (client, request) = self.into_request()?;
                let response = client.execute(request).await?;
                #decode
            }

            #stream
        }
    }
}

fn build_request(api: &Api, op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.method);
    let mut prelude = Vec::new();
    let parts: Vec<TokenStream> = op
        .path_parts
        .iter()
        .map(|part| match part {
            PathPart::Literal(text) => quote!(runtime::PathPart::Literal(#text)),
            PathPart::Param(index) => {
                let param = &op.params[*index];
                let field = ident(&param.rust_name);
                if resolved(api, &param.ty) == &TypeRef::String {
                    quote!(runtime::PathPart::Param(&self.#field))
                } else {
                    let text = format_ident!("{}_text", param.rust_name.trim_start_matches("r#"));
                    if is_scalar(api, &param.ty) {
                        prelude.push(quote!(let #text = self.#field.to_string();));
                    } else {
                        prelude.push(quote!(let #text = runtime::param_text(&self.#field)?;));
                    }
                    quote!(runtime::PathPart::Param(&#text))
                }
            }
        })
        .collect();
    let params: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(|p| param_statement(api, p))
        .collect();
    let body = op.body.as_ref().map(|b| body_statement(api, b));
    let no_auth = (!op.authenticated).then(|| quote!(request.no_auth();));
    quote! {
        #(#prelude)*
        let mut request = runtime::Request::new(&self.client, runtime::Method::#method, &[#(#parts),*])?;
        #(#params)*
        #body
        #no_auth
        *request.options() = self.options;
        Ok((self.client, request))
    }
}

/// The statement that adds one parameter to `request`.
fn param_statement(api: &Api, param: &Param) -> TokenStream {
    let field = ident(&param.rust_name);
    let name = &param.name;
    let value = quote!(value);
    let add = |text: TokenStream| match param.location {
        ParamLocation::Query => quote!(request.query(#name, #text);),
        ParamLocation::Header => quote!(request.header(#name, #text)?;),
        ParamLocation::Cookie => quote!(request.cookie(#name, #text);),
        ParamLocation::Path => quote!(),
    };
    let ty = resolved(api, &param.ty);
    let statement = match ty {
        TypeRef::String => add(quote!(#value)),
        TypeRef::Array(item) if is_scalar(api, item) => {
            if param.explode && param.location == ParamLocation::Query {
                let one = add(quote!(item.to_string()));
                quote!(for item in &#value { #one })
            } else {
                add(
                    quote!(#value.iter().map(|item| item.to_string()).collect::<Vec<_>>().join(",")),
                )
            }
        }
        _ if is_scalar(api, ty) => add(quote!(#value.to_string())),
        _ => {
            // Objects and other structured values: `name[key]=value` (deepObject), `key=value`
            // (exploded form) or JSON text.
            let style = if param.deep_object {
                quote!(runtime::ObjectStyle::DeepObject)
            } else if param.explode && param.location == ParamLocation::Query {
                quote!(runtime::ObjectStyle::Form)
            } else {
                quote!(runtime::ObjectStyle::Json)
            };
            match param.location {
                ParamLocation::Query => {
                    quote!(runtime::query_structured(&mut request, #name, &#value, #style)?;)
                }
                _ => add(quote!(runtime::param_text(&#value)?)),
            }
        }
    };
    if param.required {
        quote! { { let value = self.#field; #statement } }
    } else {
        quote! { if let Some(value) = self.#field { #statement } }
    }
}

fn body_statement(api: &Api, body: &Body) -> TokenStream {
    let media = &body.media_type;
    let value_statement = match &body.kind {
        BodyKind::Json(_) => quote!(request.json(&value)?;),
        BodyKind::Form(_) => quote!(request.form(&value)?;),
        BodyKind::Binary => quote!(request.upload(#media, value);),
        BodyKind::Text => quote!(request.bytes(#media, value.into_bytes());),
        BodyKind::Multipart(parts) => {
            let statements = parts.iter().map(|part| {
                let field = ident(&part.rust_name);
                let name = &part.name;
                let ty = resolved(api, &part.ty);
                let add = match ty {
                    TypeRef::Binary => quote!(form = form.file(#name, value);),
                    TypeRef::Array(item) if **item == TypeRef::Binary => {
                        quote!(for file in value { form = form.file(#name, file); })
                    }
                    TypeRef::String => quote!(form = form.text(#name, value);),
                    _ if is_scalar(api, ty) => quote!(form = form.text(#name, value.to_string());),
                    _ => quote!(form = form.text(#name, runtime::json_text(&value)?);),
                };
                if part.required {
                    quote! { { let value = self.#field; #add } }
                } else {
                    quote! { if let Some(value) = self.#field { #add } }
                }
            });
            return quote! {
                let mut form = runtime::Multipart::new();
                #(#statements)*
                request.multipart(form);
            };
        }
    };
    if body.required {
        quote! { { let value = self.body; #value_statement } }
    } else {
        quote! { if let Some(value) = self.body { #value_statement } }
    }
}

/// The success type, the decoding code, and (for several success shapes) the enum that holds them.
fn response(api: &Api, op: &Operation) -> (TokenStream, TokenStream, TokenStream) {
    let success: Vec<_> = op
        .responses
        .iter()
        .filter(|r| match r.status {
            StatusMatch::Code(code) => (200..300).contains(&code),
            StatusMatch::Range(range) => range == 2,
            StatusMatch::Default => !op.responses.iter().any(|o| {
                matches!(
                    o.status,
                    StatusMatch::Code(200..=299) | StatusMatch::Range(2)
                )
            }),
        })
        .collect();
    let fallback = quote!(_ => Err(response.into_error().await),);
    let distinct: Vec<&ResponseBody> = success.iter().fold(Vec::new(), |mut acc, r| {
        if !acc.contains(&&r.body) {
            acc.push(&r.body);
        }
        acc
    });
    let pattern = |status: &StatusMatch| -> TokenStream {
        match status {
            StatusMatch::Code(code) => {
                let code = Literal::u16_unsuffixed(*code);
                quote!(#code)
            }
            StatusMatch::Range(_) | StatusMatch::Default => quote!(200..=299),
        }
    };
    match distinct.as_slice() {
        [] => (
            quote!(runtime::Bytes),
            quote! {
                match response.status().as_u16() {
                    200..=299 => response.bytes().await,
                    #fallback
                }
            },
            quote!(),
        ),
        [only] => {
            let (ty, decode) = decode_body(api, only);
            // Any 2xx decodes as the documented success, so an undocumented 201/204 is not an error.
            (
                ty,
                quote! {
                    match response.status().as_u16() {
                        200..=299 => #decode,
                        #fallback
                    }
                },
                quote!(),
            )
        }
        _ => {
            let enum_name = format_ident!("{}Response", op.builder_name);
            let mut variants = Vec::new();
            let mut arms = Vec::new();
            let mut used = crate::names::Scope::default();
            for r in &success {
                let (ty, decode) = decode_body(api, &r.body);
                let variant = format_ident!("{}", used.claim(status_variant(&r.status)));
                let doc = format!(
                    " `{}`{}",
                    status_text(&r.status),
                    r.description
                        .as_deref()
                        .map(|d| format!(
                            ": {}",
                            docs::rustdoc_safe(d.lines().next().unwrap_or("").trim())
                        ))
                        .unwrap_or_default()
                );
                let pattern = pattern(&r.status);
                if r.body == ResponseBody::Empty {
                    variants.push(quote!(#[doc = #doc] #variant,));
                    arms.push(quote!(#pattern => response.empty().await.map(|answer| answer.map(|()| #enum_name::#variant)),));
                } else {
                    variants.push(quote!(#[doc = #doc] #variant(#ty),));
                    let arm = if r.body == ResponseBody::Binary {
                        quote!(#pattern => Ok(response.stream().map(#enum_name::#variant)),)
                    } else {
                        quote!(#pattern => #decode.map(|answer| answer.map(#enum_name::#variant)),)
                    };
                    arms.push(arm);
                }
            }
            let doc = format!(
                " The answers of [`Client::{0}`](runtime::Client::{0}), by status.",
                op.rust_name.trim_start_matches("r#")
            );
            (
                quote!(#enum_name),
                quote! {
                    #[allow(unreachable_patterns)]
                    match response.status().as_u16() {
                        #(#arms)*
                        #fallback
                    }
                },
                quote! {
                    #[doc = #doc]
                    #[derive(Debug)]
                    pub enum #enum_name {
                        #(#variants)*
                    }
                },
            )
        }
    }
}

fn decode_body(api: &Api, body: &ResponseBody) -> (TokenStream, TokenStream) {
    match body {
        ResponseBody::Empty => (quote!(()), quote!(response.empty().await)),
        ResponseBody::Json(ty) => {
            let ty = type_tokens(api, ty, false);
            (ty.clone(), quote!(response.json::<#ty>().await))
        }
        ResponseBody::Text => (quote!(String), quote!(response.text().await)),
        ResponseBody::Binary => (quote!(runtime::ByteStream), quote!(Ok(response.stream()))),
    }
}

fn status_variant(status: &StatusMatch) -> String {
    match status {
        StatusMatch::Code(200) => "Ok".into(),
        StatusMatch::Code(201) => "Created".into(),
        StatusMatch::Code(202) => "Accepted".into(),
        StatusMatch::Code(203) => "NonAuthoritative".into(),
        StatusMatch::Code(204) => "NoContent".into(),
        StatusMatch::Code(205) => "ResetContent".into(),
        StatusMatch::Code(206) => "PartialContent".into(),
        StatusMatch::Code(207) => "MultiStatus".into(),
        StatusMatch::Code(code) => format!("Status{code}"),
        StatusMatch::Range(_) => "Success".into(),
        StatusMatch::Default => "Default".into(),
    }
}

fn status_text(status: &StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(range) => format!("{range}XX"),
        StatusMatch::Default => "default".into(),
    }
}

/// `impl runtime::Page` for every page type an operation paginates over.
fn page_impls(api: &Api, rt: &TokenStream) -> TokenStream {
    let mut seen = std::collections::BTreeSet::new();
    let mut impls = Vec::new();
    for op in &api.operations {
        let Some(p) = &op.pagination else { continue };
        if !seen.insert(p.page_type) {
            continue;
        }
        let TypeKind::Struct(_) = &api.types[p.page_type].kind else {
            continue;
        };
        let page = ident(&api.types[p.page_type].name);
        let item = type_tokens(api, &p.item, false);
        let items = ident(&p.items_field);
        let next = ident(&p.next_field);
        let wrap = match &p.style {
            PageStyle::NextUrl => quote!(#rt::NextPage::Url),
            PageStyle::Token { .. } => quote!(#rt::NextPage::Token),
        };
        let next_expr = match p.next_option_depth {
            0 => quote!(Some(&self.#next)),
            1 => quote!(self.#next.as_ref()),
            _ => quote!(self.#next.as_ref().and_then(Option::as_ref)),
        };
        let items_expr = match p.items_option_depth {
            0 => quote!(self.#items),
            1 => quote!(self.#items.unwrap_or_default()),
            _ => quote!(self.#items.flatten().unwrap_or_default()),
        };
        impls.push(quote! {
            #[allow(deprecated)]
            impl #rt::Page for types::#page {
                type Item = #item;
                fn next_page(&self) -> Option<#rt::NextPage> {
                    #next_expr.filter(|next| !next.is_empty()).map(|next| #wrap(next.clone()))
                }
                fn into_items(self) -> Vec<Self::Item> {
                    #items_expr
                }
            }
        });
    }
    quote!(#(#impls)*)
}
