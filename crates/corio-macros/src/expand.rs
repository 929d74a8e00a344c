//! The expansion: the `async fn` becomes a plain `fn` that runs its body on a new loop.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{ItemFn, ReturnType};

use crate::options::Options;

/// Which attribute is expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Main,
    Test,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Main => "corio::main",
            Kind::Test => "corio::test",
        }
    }
}

pub(crate) fn expand(kind: Kind, attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let options = Options::parse(attr)?;
    let mut function: ItemFn = syn::parse2(item)?;
    let sig = &function.sig;
    if sig.asyncness.is_none() {
        return Err(syn::Error::new_spanned(
            &sig.fn_token,
            format!(
                "#[{}] needs an `async fn`: add `async` before `fn`",
                kind.name()
            ),
        ));
    }
    if !sig.inputs.is_empty() {
        return Err(syn::Error::new_spanned(
            &sig.inputs,
            format!("#[{}] takes a function without arguments", kind.name()),
        ));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        return Err(syn::Error::new_spanned(
            &sig.generics,
            format!("#[{}] takes a function without generics", kind.name()),
        ));
    }
    if kind == Kind::Test
        && let Some(attr) = function.attrs.iter().find(|a| a.path().is_ident("test"))
    {
        return Err(syn::Error::new_spanned(
            attr,
            "#[corio::test] already adds #[test]: remove this one",
        ));
    }

    let krate = &options.krate;
    let virtual_time = options.virtual_time;
    let debug = options.debug.map(|on| quote! { .debug(#on) });
    let body = &function.block;
    let span = match &sig.output {
        ReturnType::Default => body.span(),
        ReturnType::Type(_, ty) => ty.span(),
    };
    // The body runs as the loop's main task. Its output type is the function's return type:
    // the `run(..)` result is returned from the function, which lets `?` in the body infer
    // its error type, as it would in the async fn.
    // A panic in the body is resumed with its own payload, so the process (or the test
    // harness, `#[should_panic(expected = ..)]` included) sees the body's panic; any other
    // failure of the loop (no fd for its reactor) panics with a message.
    let message = format!("#[{}]: the event loop failed: {{}}", kind.name());
    let run = quote_spanned! {span=>
        let body = async move #body;
        {
            return match #krate::runtime::Builder::new()
                .virtual_time(#virtual_time)
                #debug
                .run(body)
            {
                ::core::result::Result::Ok(output) => output,
                ::core::result::Result::Err(#krate::runtime::LoopError::Task(
                    #krate::runtime::TaskError::Panicked(panic),
                )) => panic.resume(),
                ::core::result::Result::Err(error) => ::core::panic!(#message, error),
            };
        }
    };
    function.sig.asyncness = None;
    function.block = syn::parse2(quote! { { #run } })?;
    let test_attr = (kind == Kind::Test).then(|| quote! { #[::core::prelude::v1::test] });
    Ok(quote! {
        #test_attr
        #function
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(kind: Kind, attr: TokenStream, item: TokenStream) -> String {
        expand(kind, attr, item).unwrap_err().to_string()
    }

    #[test]
    fn misuse_is_a_clear_compile_error() {
        assert!(
            error(
                Kind::Main,
                quote!(),
                quote!(
                    fn main() {}
                )
            )
            .contains("needs an `async fn`")
        );
        assert!(
            error(
                Kind::Main,
                quote!(),
                quote!(
                    async fn main(x: u8) {}
                )
            )
            .contains("without arguments")
        );
        assert!(
            error(
                Kind::Test,
                quote!(),
                quote!(
                    async fn t<T>() {}
                )
            )
            .contains("without generics")
        );
        assert!(
            error(
                Kind::Test,
                quote!(),
                quote!(
                    #[test]
                    async fn t() {}
                )
            )
            .contains("already adds #[test]")
        );
        assert!(
            error(
                Kind::Main,
                quote!(flavor),
                quote!(
                    async fn main() {}
                )
            )
            .contains("unknown option")
        );
        assert!(
            error(
                Kind::Main,
                quote!(debug = 1),
                quote!(
                    async fn main() {}
                )
            )
            .contains("`true` or `false`")
        );
        assert!(
            error(
                Kind::Main,
                quote!(crate = corio),
                quote!(
                    async fn main() {}
                )
            )
            .contains("expected a string")
        );
    }

    #[test]
    fn options_reach_the_builder() {
        let out = expand(
            Kind::Test,
            quote!(virtual_time, debug = false, crate = "my::corio"),
            quote!(
                async fn t() -> u8 {
                    1
                }
            ),
        )
        .unwrap()
        .to_string();
        assert!(out.contains("test"), "{out}");
        assert!(out.contains("my :: corio :: runtime :: Builder"), "{out}");
        assert!(out.contains(". virtual_time (true)"), "{out}");
        assert!(out.contains(". debug (false)"), "{out}");
        assert!(!out.contains("async fn"), "{out}");
    }
}
