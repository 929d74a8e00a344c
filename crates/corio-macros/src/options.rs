//! The attribute's options: `virtual_time`, `debug`, `crate = "path"`.

use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, LitBool, Meta, Path, Token};

/// What the attribute asked for.
pub(crate) struct Options {
    /// Run the loop on a virtual clock.
    pub(crate) virtual_time: bool,
    /// Turn the loop's debug mode on (`Some(true)`) or off (`Some(false)`); `None` leaves
    /// it to the environment (`CORIO_DEBUG`), as `EventLoop::new` does.
    pub(crate) debug: Option<bool>,
    /// The path of the facade crate.
    pub(crate) krate: Path,
}

impl Options {
    pub(crate) fn parse(attr: TokenStream) -> syn::Result<Options> {
        let mut options = Options {
            virtual_time: false,
            debug: None,
            krate: syn::parse_quote!(::corio),
        };
        let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(attr)?;
        for meta in metas {
            let name = meta.path().get_ident().map(ToString::to_string);
            match (name.as_deref(), &meta) {
                (Some("virtual_time"), _) => options.virtual_time = flag(&meta)?,
                (Some("debug"), _) => options.debug = Some(flag(&meta)?),
                (Some("crate"), Meta::NameValue(nv)) => match &nv.value {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(s), ..
                    }) => options.krate = s.parse()?,
                    other => {
                        return Err(syn::Error::new_spanned(
                            other,
                            "expected a string: `crate = \"path::to::corio\"`",
                        ));
                    }
                },
                _ => {
                    return Err(syn::Error::new_spanned(
                        &meta,
                        "unknown option: expected `virtual_time`, `debug` or `crate = \"...\"`",
                    ));
                }
            }
        }
        Ok(options)
    }
}

/// `name` (true) or `name = true` / `name = false`.
fn flag(meta: &Meta) -> syn::Result<bool> {
    match meta {
        Meta::Path(_) => Ok(true),
        Meta::NameValue(nv) => match &nv.value {
            Expr::Lit(ExprLit {
                lit: Lit::Bool(LitBool { value, .. }),
                ..
            }) => Ok(*value),
            other => Err(syn::Error::new_spanned(other, "expected `true` or `false`")),
        },
        Meta::List(list) => Err(syn::Error::new_spanned(
            list,
            "expected a flag: `name` or `name = true`",
        )),
    }
}
