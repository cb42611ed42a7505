//! How the credentials fetch their tokens (feature `oauth2_1_0`): through the generated token
//! operations. Caching, single flight, backoff and suite tickets are the runtime's.

use crate::oauth2_1_0::{GetCorpAccessTokenParams, Service};
use crate::runtime::{
    AccessToken, AppCredentials, BoxFuture, CorpCredentials, TokenError, TokenProvider,
};
use crate::Client;

impl TokenProvider for AppCredentials {
    fn token<'a>(&'a self, client: &'a Client) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        Box::pin(self.token_with(|app_key, app_secret| {
            let call = Service::new(client.clone()).get_access_token(app_key, app_secret);
            async move {
                let answer = call.build().send_with_meta().await;
                answer.map(|a| (a.output.access_token, a.output.expire_in, a.meta))
            }
        }))
    }

    fn ready_token(&self) -> Option<AccessToken> {
        self.cached()
    }

    fn invalidate(&self, token: &AccessToken) -> bool {
        self.forget(token);
        true
    }
}

impl TokenProvider for CorpCredentials {
    fn token<'a>(&'a self, client: &'a Client) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        Box::pin(self.token_with(|suite_key, suite_secret, corp_id, ticket| {
            let call =
                Service::new(client.clone()).get_corp_access_token(GetCorpAccessTokenParams {
                    suite_key: suite_key.to_owned(),
                    suite_secret,
                    auth_corp_id: corp_id.to_owned(),
                    suite_ticket: ticket,
                });
            async move {
                let answer = call.build().send_with_meta().await;
                answer.map(|a| (a.output.access_token, a.output.expire_in, a.meta))
            }
        }))
    }

    fn ready_token(&self) -> Option<AccessToken> {
        self.cached()
    }

    fn invalidate(&self, token: &AccessToken) -> bool {
        self.forget(token);
        true
    }
}
