//! Paginators: a list operation called page after page, each page asked for with the cursor the
//! previous one gave, as a stream of pages or of their items. The looping is here, once; a
//! generated operation only says where its cursor goes and which fields of its answer hold the
//! next cursor, the more-pages flag and the items.

use std::collections::HashSet;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::{stream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;

use super::classify::ErrorClass;
use super::error::{Error, ErrorKind, InvalidResponse};
use super::request::Request;

/// Where a paginated operation takes the cursor of the page it asks for.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// A query parameter (`nextToken`).
    Query(&'static str),
    /// A string field of the JSON body, or of an object in it: `["option", "nextToken"]`.
    Body(&'static [&'static str]),
}

/// What a page says about the next one: its cursor (absent or empty on the last page) and,
/// for operations with a more-pages flag, whether there is one.
type NextOf<O> = for<'a> fn(&'a O) -> (Option<&'a str>, bool);

/// The items of a page.
type ItemsOf<O, T> = fn(O) -> Vec<T>;

/// Pages through a list operation: [`Paginator::send`] gives the answers one page at a time,
/// [`Paginator::items`] the items of all pages. Made by `into_paginator()` on the request
/// builder of each paginated operation (aws-sdk-rust's name for it).
///
/// Nothing is sent until the stream is polled; each page is one call, with the client's retries
/// and timeouts. The first page is asked for as the builder describes it (a cursor or page size
/// set on it is kept); each next one with the cursor the previous page gave, until a page gives
/// none (or an empty one) or says there are no more. An error ends the stream after the pages
/// before it; a cursor that an earlier page gave already ends it with
/// [`Error::InvalidResponse`], instead of asking for the same pages forever.
///
/// Both streams are `Send` and implement [`futures_core::Stream`], so the combinators of
/// `futures` apply (`.take(n)`, `.try_collect()`); [`Pages::next`] and [`Pages::try_collect`]
/// need no other crate.
#[must_use = "a paginator does nothing until its stream is polled"]
pub struct Paginator<O, E, T> {
    request: Request<O, E>,
    cursor: Cursor,
    next: NextOf<O>,
    items: ItemsOf<O, T>,
}

impl<O, E, T> Paginator<O, E, T> {
    /// A paginator of `request`, whose operation takes the cursor at `cursor`; `next` reads a
    /// page's next cursor and more-pages flag, `items` its items.
    #[doc(hidden)]
    pub fn new(
        request: Request<O, E>,
        cursor: Cursor,
        next: NextOf<O>,
        items: ItemsOf<O, T>,
    ) -> Self {
        Paginator {
            request,
            cursor,
            next,
            items,
        }
    }
}

impl<O, E, T> Paginator<O, E, T>
where
    O: DeserializeOwned + Send + 'static,
    E: ErrorKind,
    T: Send + 'static,
{
    /// The answers, one page at a time.
    pub fn send(self) -> Pages<O, E> {
        let Paginator {
            request,
            cursor,
            next,
            ..
        } = self;
        // A cursor set on the builder (to resume) counts as given: a page that gives it back
        // would start over.
        let seen = cursor_of(&request, cursor).into_iter().collect();
        let state = State {
            next: Next::Page(request),
            seen,
        };
        let pages = stream::try_unfold(state, move |mut state| async move {
            let request = match std::mem::replace(&mut state.next, Next::Done) {
                Next::Page(request) => request,
                Next::Fail(e) => return Err(*e),
                Next::Done => return Ok(None),
            };
            let following = request.clone();
            let answer = request.send_with_meta().await?;
            let (cursor_text, more) = next(&answer.output);
            state.next = match cursor_text.filter(|c| more && !c.is_empty()) {
                // This page is as valid as any: it is given, the error after it.
                Some(c) if !state.seen.insert(c.to_owned()) => {
                    Next::Fail(Box::new(repeated(c, &answer.meta)))
                }
                Some(c) => Next::Page(with_cursor(following, cursor, c)),
                None => Next::Done,
            };
            Ok(Some((answer.output, state)))
        });
        Pages(Box::pin(pages))
    }

    /// The items of every page, in order: the pages' item lists, flattened.
    pub fn items(self) -> Items<T, E> {
        let items = self.items;
        let flat = self
            .send()
            .map_ok(move |page| stream::iter(items(page).into_iter().map(Ok)))
            .try_flatten();
        Items(Box::pin(flat))
    }
}

/// Between two pages: what comes next, and the cursors given so far.
struct State<O, E> {
    next: Next<O, E>,
    seen: HashSet<String>,
}

/// What the stream does when polled again.
// One `Next` per stream, nearly always `Page`: boxing the request would cost an allocation per
// page to save bytes on the rare `Fail` and `Done`.
#[allow(clippy::large_enum_variant)]
enum Next<O, E> {
    /// Asks for a page.
    Page(Request<O, E>),
    /// Ends with an error (after the page that caused it).
    Fail(Box<Error<E>>),
    /// Ends.
    Done,
}

/// The cursor set on `request`, if any.
fn cursor_of<O, E>(request: &Request<O, E>, cursor: Cursor) -> Option<String> {
    match cursor {
        Cursor::Query(name) => request
            .query_pairs()
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone()),
        Cursor::Body(path) => {
            let mut at = request.body()?;
            for key in path {
                at = at.get(key)?;
            }
            at.as_str().map(str::to_owned)
        }
    }
    .filter(|c| !c.is_empty())
}

/// The request for the page at `value`.
fn with_cursor<O, E>(request: Request<O, E>, cursor: Cursor, value: &str) -> Request<O, E> {
    match cursor {
        Cursor::Query(name) => request.query(name, value),
        Cursor::Body(path) => request.body_text_at(path, value),
    }
}

/// The error of a page whose next cursor an earlier page gave already.
fn repeated<E>(cursor: &str, meta: &super::ResponseMeta) -> Error<E> {
    let shown: String = cursor.chars().take(64).collect();
    Error::InvalidResponse(InvalidResponse {
        status: meta.status,
        reason: format!(
            "the next cursor {shown:?} was given by an earlier page too: the pages would repeat"
        ),
        snippet: String::new(),
        request_id: meta.request_id.clone(),
        attempts: meta.attempts,
        class: ErrorClass::InvalidAnswer,
    })
}

type Boxed<T> = Pin<Box<dyn Stream<Item = T> + Send>>;

/// The answers of a paginated operation, one page at a time ([`Paginator::send`]).
#[must_use = "streams do nothing unless polled"]
pub struct Pages<O, E>(Boxed<Result<O, Error<E>>>);

/// The items of every page of a paginated operation ([`Paginator::items`]).
#[must_use = "streams do nothing unless polled"]
pub struct Items<T, E>(Boxed<Result<T, Error<E>>>);

macro_rules! stream_type {
    ($name:ident<$t:ident, $e:ident>) => {
        impl<$t, $e> Stream for $name<$t, $e> {
            type Item = Result<$t, Error<$e>>;

            fn poll_next(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
            ) -> Poll<Option<Self::Item>> {
                self.0.as_mut().poll_next(cx)
            }
        }

        impl<$t, $e> $name<$t, $e> {
            /// The next one; `None` at the end.
            pub async fn next(&mut self) -> Option<Result<$t, Error<$e>>> {
                StreamExt::next(&mut self.0).await
            }

            /// All of them, or the first error.
            pub async fn try_collect(self) -> Result<Vec<$t>, Error<$e>> {
                TryStreamExt::try_collect(self.0).await
            }
        }

        impl<$t, $e> std::fmt::Debug for $name<$t, $e> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($name))
            }
        }
    };
}

stream_type!(Pages<O, E>);
stream_type!(Items<T, E>);

impl<O, E, T> std::fmt::Debug for Paginator<O, E, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("request", &self.request)
            .field("cursor", &self.cursor)
            .finish_non_exhaustive()
    }
}

impl<O, E, T> Clone for Paginator<O, E, T> {
    fn clone(&self) -> Self {
        Paginator {
            request: self.request.clone(),
            cursor: self.cursor,
            next: self.next,
            items: self.items,
        }
    }
}
