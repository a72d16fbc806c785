//! The client's construction: what the crate tells the runtime about its
//! provider, `Client::builder` and `from_env`, and `ClientBuilder` with one setter
//! per credential.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::analyze::Model;
use crate::analyze::model::CredentialPlacement;

/// The credential entries of `ProviderInfo`, their builder setters, and the
/// variables `from_env` reads.
struct Credentials {
    specs: Vec<TokenStream>,
    setters: Vec<TokenStream>,
    env_vars: Vec<String>,
}

/// Each scheme's spec, setter and variables. (Long: one arm per placement, each
/// with its own wire description, kept side by side to compare.)
fn credentials(model: &Model<'_>) -> Credentials {
    let settings = model.settings;
    let mut found = Credentials {
        specs: Vec::new(),
        setters: Vec::new(),
        env_vars: vec![if model.default_base_url.is_empty() {
            format!("`{}` (the spec names no server)", settings.base_url_env())
        } else {
            format!("`{}` (optional)", settings.base_url_env())
        }],
    };
    for credential in &model.credentials {
        let scheme = &credential.scheme;
        let setter = format_ident!("{}", credential.setter);
        let setter_name = &credential.setter;
        let env = &credential.env;
        let (placement, wire) = match &credential.placement {
            CredentialPlacement::Bearer => (
                quote!(usagekit_runtime::Placement::Bearer),
                "`Authorization: Bearer …`".to_owned(),
            ),
            CredentialPlacement::Basic => {
                let password = credential.password_env.clone().unwrap_or_default();
                (
                    quote!(usagekit_runtime::Placement::Basic { password_env: #password }),
                    "`Authorization: Basic …`".to_owned(),
                )
            }
            CredentialPlacement::Authorization(kind) => (
                quote!(usagekit_runtime::Placement::Authorization(#kind)),
                format!("`Authorization: {kind} …`"),
            ),
            CredentialPlacement::Header(name) => (
                quote!(usagekit_runtime::Placement::Header(#name)),
                format!("the `{name}` header"),
            ),
            CredentialPlacement::Query(name) => (
                quote!(usagekit_runtime::Placement::Query(#name)),
                format!("the `{name}` query parameter"),
            ),
            CredentialPlacement::Cookie(name) => (
                quote!(usagekit_runtime::Placement::Cookie(#name)),
                format!("the `{name}` cookie"),
            ),
        };
        found.specs.push(quote! {
            usagekit_runtime::CredentialSpec {
                scheme: #scheme,
                setter: #setter_name,
                env: #env,
                placement: #placement,
            }
        });
        let read_from = match &credential.password_env {
            Some(password) => format!("`{env}` and `{password}`"),
            None => format!("`{env}`"),
        };
        let mut doc = format!(
            "Sets the `{scheme}` credential, sent as {wire}. Read from {read_from} by `from_env`."
        );
        if let Some(description) = &credential.description {
            doc = format!("{}\n\n{doc}", description.trim());
        }
        found
            .setters
            .push(if credential.placement == CredentialPlacement::Basic {
                quote! {
                    #[doc = #doc]
                    pub fn #setter(
                        self,
                        user: impl Into<usagekit_runtime::Secret>,
                        password: impl Into<usagekit_runtime::Secret>,
                    ) -> Self {
                        Self(self.0.basic_credential(#scheme, user, password))
                    }
                }
            } else {
                quote! {
                    #[doc = #doc]
                    pub fn #setter(self, value: impl Into<usagekit_runtime::Secret>) -> Self {
                        Self(self.0.credential(#scheme, value))
                    }
                }
            });
        found.env_vars.push(read_from);
    }
    found
}

/// The statuses retried, and how the builder's setter documents them.
fn retry_statuses(model: &Model<'_>) -> (TokenStream, String) {
    let settings = model.settings;
    match &settings.retry_statuses {
        None => (
            quote!(usagekit_runtime::DEFAULT_RETRY_STATUSES),
            "The HTTP statuses that are retried (default: \
             [`usagekit_runtime::DEFAULT_RETRY_STATUSES`])."
                .to_owned(),
        ),
        Some(statuses) => (
            quote!(&[#(#statuses),*]),
            format!(
                "The HTTP statuses that are retried (default for {}: {}).",
                settings.name,
                statuses
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    }
}

/// `Client` with `builder`, `from_env` and one method per operation (`methods`),
/// `ClientBuilder`, `PROVIDER` and `SERVICE`.
pub(super) fn tokens(
    model: &Model<'_>,
    methods: &[TokenStream],
    gates: &[Option<syn::Attribute>],
) -> TokenStream {
    let settings = model.settings;
    let name = &settings.name;
    let base_url = &model.default_base_url;
    let base_url_env = settings.base_url_env();
    let Credentials {
        specs,
        mut setters,
        mut env_vars,
    } = credentials(model);
    // Client-wide parameters: a setter each, read from the environment too.
    let parameters = settings
        .client_parameters
        .iter()
        .map(|(name, env)| quote!((#name, #env)));
    for (name, env) in &settings.client_parameters {
        let setter = format_ident!("{}", crate::naming::method_name(name));
        let doc = format!(
            "Sets `{name}` for every call that has it (a call may set its own); `from_env` reads `{env}`."
        );
        setters.push(quote! {
            #[doc = #doc]
            pub fn #setter(self, value: impl Into<String>) -> Self {
                Self(self.0.parameter(#name, value))
            }
        });
        env_vars.push(format!("`{env}` (`{name}`, when set)"));
    }
    let from_env_doc = format!(
        "A client configured from the environment: {}.",
        env_vars.join(", ")
    );
    let builder_doc = if base_url.is_empty() {
        "Starts configuring a client. The spec names no server: give one with `base_url(…)`."
            .to_owned()
    } else {
        format!("Starts configuring a client. The base URL defaults to `{base_url}`.")
    };
    let (retry_statuses, retry_doc) = retry_statuses(model);
    let default_headers = settings.default_headers.iter().map(|(name, value)| {
        let name = name.to_ascii_lowercase();
        quote!((#name, #value))
    });

    let builder_impl = builder_impl(&from_env_doc, &setters, &retry_doc);
    let security = model
        .security
        .iter()
        .map(|schemes| quote!(&[#(#schemes),*]));
    let client_doc = client_doc(model);
    let service = super::service::tokens(model, gates);
    quote! {
        #service

        static PROVIDER: usagekit_runtime::ProviderInfo = usagekit_runtime::ProviderInfo {
            name: #name,
            default_base_url: #base_url,
            base_url_env: #base_url_env,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
            credentials: &[#(#specs),*],
            security: &[#(#security),*],
            retry_statuses: #retry_statuses,
            default_headers: &[#(#default_headers),*],
            parameters: &[#(#parameters),*],
        };

        #[doc = #client_doc]
        #[derive(Clone, Debug)]
        pub struct Client {
            pub(crate) runtime: usagekit_runtime::Runtime,
        }

        impl Client {
            #[doc = #builder_doc]
            pub fn builder() -> ClientBuilder {
                ClientBuilder(usagekit_runtime::ClientBuilder::new(&PROVIDER))
            }

            #[doc = #from_env_doc]
            pub fn from_env() -> Result<Self, usagekit_runtime::ConfigError> {
                Self::builder().from_env()?.build()
            }

            /// The server this client sends to.
            pub fn base_url(&self) -> &str {
                self.runtime.base_url()
            }

            #(#methods)*
        }

        /// Configures a [`Client`]; see [`Client::builder`].
        #[derive(Debug, Clone)]
        #[must_use]
        pub struct ClientBuilder(usagekit_runtime::ClientBuilder);

        #builder_impl
    }
}

/// `ClientBuilder`'s methods: one setter per credential, then what every client has.
fn builder_impl(from_env_doc: &str, setters: &[TokenStream], retry_doc: &str) -> TokenStream {
    quote! {
    impl ClientBuilder {
        #[doc = #from_env_doc]
        pub fn from_env(self) -> Result<Self, usagekit_runtime::ConfigError> {
            self.0.from_env().map(Self)
        }

        /// The server to call, e.g. a proxy or a local test server.
        pub fn base_url(self, url: impl Into<String>) -> Self {
            Self(self.0.base_url(url))
        }

        #(#setters)*

        /// Time allowed for one attempt (default 60 s).
        pub fn timeout(self, timeout: std::time::Duration) -> Self {
            Self(self.0.timeout(timeout))
        }

        /// Time allowed to connect (default 10 s).
        pub fn connect_timeout(self, timeout: std::time::Duration) -> Self {
            Self(self.0.connect_timeout(timeout))
        }

        /// Retries after a transient failure (default 2; 0 turns retries off).
        pub fn max_retries(self, retries: u32) -> Self {
            Self(self.0.max_retries(retries))
        }

        /// Time allowed for a whole call, retries and waits included (default 300 s).
        pub fn deadline(self, deadline: std::time::Duration) -> Self {
            Self(self.0.deadline(deadline))
        }

        /// Backoff and `Retry-After` handling in full. `max_retries` and `deadline`
        /// win over the policy's own, whichever is called first.
        pub fn retry_policy(self, policy: usagekit_runtime::RetryPolicy) -> Self {
            Self(self.0.retry_policy(policy))
        }

        #[doc = #retry_doc]
        pub fn retry_statuses(self, statuses: impl IntoIterator<Item = u16>) -> Self {
            Self(self.0.retry_statuses(statuses))
        }

        /// Ends every `stream()` with a pagination error after this many pages
        /// (default: no limit; a cursor the server already gave always ends it).
        pub fn max_pages(self, pages: u64) -> Self {
            Self(self.0.max_pages(pages))
        }

        /// Sends `name: value` with every request, replacing a default header of
        /// the same name. Treated as sensitive: never logged, never sent to
        /// another origin.
        pub fn header(self, name: impl Into<String>, value: impl Into<usagekit_runtime::Secret>) -> Self {
            Self(self.0.header(name, value))
        }

        /// Replaces the default `User-Agent` (`<crate>/<version>`).
        pub fn user_agent(self, user_agent: impl Into<String>) -> Self {
            Self(self.0.user_agent(user_agent))
        }

        /// Checks the configuration and builds the client.
        pub fn build(self) -> Result<Client, usagekit_runtime::ConfigError> {
            Ok(Client { runtime: self.0.build()? })
        }
    }
    }
}

/// The client's doc: the API's title, description and version.
fn client_doc(model: &Model<'_>) -> String {
    let mut doc = format!("Client for {}", model.title);
    if let Some(description) = &model.description {
        doc.push_str("\n\n");
        doc.push_str(description.trim());
    }
    doc.push_str(&format!("\n\nVersion: {}", model.api_version));
    doc
}
