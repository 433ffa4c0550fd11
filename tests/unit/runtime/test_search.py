"""The search-mode ranking: identifiers split, words stemmed, fields weighted, the query's verb read as an action."""

from __future__ import annotations

from typing import Any

import pytest

from converter.runtime.search import Action, Operation, SearchIndex, operations_of, split_words


def op(
    method: str,
    path: str,
    operation_id: str = "",
    summary: str = "",
    description: str = "",
    tags: tuple[str, ...] = (),
    arguments: tuple[str, ...] = (),
) -> Operation:
    name = operation_id.replace("/", "_").replace("-", "_") or f"{method.lower()}_{path.strip('/')}"
    return Operation(
        name=name,
        method=method,
        path=path,
        summary=summary,
        description=description,
        operation_id=operation_id,
        tags=tags,
        arguments=arguments,
        required=(),
    )


ISSUE = "/repos/{owner}/{repo}/issues/{issue_number}"
ISSUES = [
    op("GET", "/repos/{owner}/{repo}/issues", "issues/list-for-repo", "List repository issues", tags=("issues",)),
    op("POST", "/repos/{owner}/{repo}/issues", "issues/create", "Create an issue", tags=("issues",)),
    op("GET", ISSUE, "issues/get", "Get an issue", tags=("issues",)),
    op("PATCH", ISSUE, "issues/update", "Update an issue", tags=("issues",)),
    op("DELETE", ISSUE, "issues/delete", "Delete an issue", tags=("issues",)),
    op("PUT", ISSUE + "/lock", "issues/lock", "Lock an issue", tags=("issues",)),
    op("DELETE", ISSUE + "/lock", "issues/unlock", "Unlock an issue", tags=("issues",)),
    op("GET", "/repos/{owner}/{repo}/pulls", "pulls/list", "List pull requests", tags=("pulls",)),
]


@pytest.fixture(scope="module")
def issues() -> SearchIndex:
    return SearchIndex(ISSUES)


def best(index: SearchIndex, query: str, **options: Any) -> list[str]:
    return [f"{found.method} {found.path}" for found, _ in index.search(query, **options)]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("listForRepo", ["list", "for", "repo"]),
        ("/repos/{owner}/{repo}/issues", ["repos", "owner", "repo", "issues"]),
        ("issues/list-for-repo", ["issues", "list", "for", "repo"]),
        ("getHTTPResponse_code", ["get", "http", "response", "code"]),
        ("PostChargesChargeRefund", ["post", "charges", "charge", "refund"]),
        ("Créer un dépôtNouveau", ["créer", "un", "dépôt", "nouveau"]),
    ],
)
def test_identifiers_are_split_into_lower_case_words(text: str, words: list[str]) -> None:
    assert split_words(text) == words


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("close an issue", f"PATCH {ISSUE}"),  # close → update
        ("reopen the issue", f"PATCH {ISSUE}"),
        ("open a new issue", "POST /repos/{owner}/{repo}/issues"),  # open → create
        ("list issues", "GET /repos/{owner}/{repo}/issues"),  # list → the collection
        ("show me an issue", f"GET {ISSUE}"),  # show → one object
        ("remove an issue", f"DELETE {ISSUE}"),  # remove → delete
        ("lock an issue", f"PUT {ISSUE}/lock"),
    ],
)
def test_the_query_verb_picks_the_operation_that_performs_its_action(
    issues: SearchIndex, query: str, expected: str
) -> None:
    assert best(issues, query)[0] == expected


def test_without_the_verb_boost_the_words_alone_would_not_decide(issues: SearchIndex) -> None:
    # "issue" is in every issue operation's name, summary and path: the action is what tells them apart.
    scores = {f"{found.method} {found.path}": score for found, score in issues.search("issue", limit=10)}
    assert scores[f"PATCH {ISSUE}"] == pytest.approx(scores[f"GET {ISSUE}"], rel=0.2)
    assert issues.query_verb("close an issue") == ("close", frozenset({Action.UPDATE}))
    assert issues.query_verb("find an issue")[1] == frozenset({Action.LIST, Action.READ})
    assert issues.query_verb("I would like to close it") == ("close", frozenset({Action.UPDATE}))
    assert issues.query_verb("issues of a repository") == (None, frozenset())


def test_plural_and_singular_forms_find_each_other() -> None:
    index = SearchIndex(
        [
            op("GET", "/v1/repositories", "listRepositories", "List repositories"),
            op("GET", "/v1/branches", "listBranches", "List branches"),
        ]
    )
    assert best(index, "a repository")[0] == "GET /v1/repositories"
    assert best(index, "branch")[0] == "GET /v1/branches"


def test_an_abbreviated_path_word_is_read_as_the_word_its_summary_spells_out() -> None:
    deletes = [
        op("DELETE", "/repos/{owner}/{repo}", "repos/delete", "Delete a repository"),
        op("DELETE", "/repos/{owner}/{repo}/hooks/{hook_id}", "repos/delete-webhook", "Delete a webhook"),
    ]
    assert best(SearchIndex(deletes), "delete a repository")[0] == "DELETE /repos/{owner}/{repo}"
    index = SearchIndex([op("POST", "/v1/invoiceitems", summary="Creates an item to be added to an invoice")])
    document = index._document(index.operations[0])
    assert {"invoic", "item"} <= set(document["path"]) and {"invoic", "item"} <= set(document["resource"])


def test_a_word_in_the_summary_counts_more_than_in_the_description() -> None:
    index = SearchIndex(
        [
            op("POST", "/v1/a", summary="Create a charge", description="Charges a card. See refunds for refunds."),
            op("POST", "/v1/b", summary="Refund a charge", description="Gives the money back."),
        ]
    )
    assert best(index, "refund")[0] == "POST /v1/b"


def test_operation_ids_made_from_the_method_do_not_hide_a_listing() -> None:
    stripe_like = [
        op("GET", "/v1/customers", "GetCustomers", description="Returns a list of your customers."),
        op("GET", "/v1/customers/{customer}", "GetCustomersCustomer", description="Retrieves a Customer object."),
        op("POST", "/v1/customers", "PostCustomers", description="Creates a new customer object."),
        op("POST", "/v1/customers/{customer}", "PostCustomersCustomer", description="Updates the customer."),
        op("POST", "/v1/invoices/{invoice}/pay", "PostInvoicesInvoicePay", description="Attempts payment."),
        op("POST", "/v1/invoices", "PostInvoices", description="Creates a draft invoice."),
    ]
    index = SearchIndex(stripe_like)
    assert best(index, "list customers")[0] == "GET /v1/customers"
    assert best(index, "retrieve a customer")[0] == "GET /v1/customers/{customer}"
    assert best(index, "change a customer's email")[0] == "POST /v1/customers/{customer}"
    assert best(index, "pay an invoice")[0] == "POST /v1/invoices/{invoice}/pay"  # the action segment


def test_tag_limit_and_no_match(issues: SearchIndex) -> None:
    assert best(issues, "list", tag="pulls") == ["GET /repos/{owner}/{repo}/pulls"]
    assert len(best(issues, "issue", limit=2)) == 2
    assert best(issues, "xyzzy plugh") == []
    assert best(issues, "the of a") == []  # only stop words
    assert issues.tags == ["issues", "pulls"]


def test_operations_are_read_from_the_listing_and_the_table() -> None:
    listing = [
        {
            "name": "get_pet",
            "title": "Get a pet",
            "description": "Long text.",
            "inputSchema": {"type": "object", "properties": {"id": {}, "q": {}}, "required": ["id"]},
        },
        {"name": "pay", "description": "Pays it. Then more.", "inputSchema": {"type": "object"}},
    ]
    table = {
        "get_pet": {"binding": {"method": "GET", "path": "/pets/{id}"}, "operationId": "getPet", "tags": ["pets"]},
        "pay": {"binding": {"method": "POST", "path": "/pay"}},
    }
    first, second = operations_of(listing, table)
    assert (first.summary, first.operation_id, first.tags, first.arguments, first.required) == (
        "Get a pet",
        "getPet",
        ("pets",),
        ("id", "q"),
        ("id",),
    )
    assert (second.summary, second.operation_id, second.tags, second.method) == ("Pays it.", "", (), "POST")


USERS = [
    op("GET", "/repositories", "repos/list-public", "List public repositories"),
    op("GET", "/users/{username}/repos", "repos/list-for-user", "List repositories for a user"),
    op("GET", "/user/repos", "repos/list-for-authenticated-user", "List repositories for the authenticated user"),
    op("GET", "/user/{account_id}", "users/get-by-id", "Get a user using their ID"),
    op("GET", "/users/{username}", "users/get-by-username", "Get a user"),
    op("GET", "/orgs/{org}/repos", "repos/list-for-org", "List organization repositories"),
]


def test_a_query_in_the_first_person_asks_for_the_callers_own_objects() -> None:
    index = SearchIndex(USERS)
    assert best(index, "list my repositories")[0] == "GET /user/repos"
    assert best(index, "list repositories")[0] != "GET /user/repos"  # no "my": no preference
    assert [index.first_person(query) for query in ("repos of mine", "repos I starred", "I want to list repos")] == [
        True,
        True,
        False,  # "I" opening a request says nothing about whose objects
    ]


def test_the_callers_operations_are_read_from_paths_and_summaries() -> None:
    stripe_like = [
        op("GET", "/v1/account", "GetAccount", description="<p>Retrieves the details of an account.</p>"),
        op("GET", "/v1/accounts", "GetAccounts", description="Returns a list of accounts connected to your platform."),
        op("GET", "/v1/accounts/{account}", "GetAccountsAccount", description="Retrieves an account."),
        op("GET", "/v1/balance", "GetBalance", description="Retrieves the current account balance. More."),
        op("GET", "/v1/me/player", "GetPlayer", description="The player."),
        op("GET", "/v1/charges", "GetCharges", description="Returns the current status of your charges."),
    ]
    index = SearchIndex(stripe_like)
    assert [f"{o.method} {o.path}" for o, caller in zip(index.operations, index._callers, strict=True) if caller] == [
        "GET /v1/account",  # the singular beside `/v1/accounts` (the `/v1` all paths share is no root)
        "GET /v1/balance",  # "the current account"
        "GET /v1/me/player",
    ]
    # `/user/repos` (beside `/users/...`, and "for the authenticated user"), not `/user/{account_id}`: a user by id
    assert SearchIndex(USERS)._callers == [False, False, True, False, False, False]


def test_a_plural_abbreviation_in_a_path_is_read_as_the_word_its_summary_spells_out() -> None:
    index = SearchIndex([op("GET", "/user/orgs", "orgs/list", "List organizations for the authenticated user")])
    document = index._document(index.operations[0])
    organization = index._stem("organizations")
    assert organization in document["resource"] and organization in document["name"]


def test_two_query_words_also_match_the_word_they_join_into() -> None:
    index = SearchIndex(
        [
            op("POST", "/v1/invoices/{invoice}/pay", "PostInvoicesInvoicePay", description="Pays an invoice."),
            op("POST", "/v1/payouts", "PostPayouts", description="Sends funds to a bank account you own."),
            op("GET", "/v1/invoices", "GetInvoices", description="Lists invoices."),
        ]
    )
    assert best(index, "pay out")[0] == "POST /v1/payouts"
    assert index._query_tokens("pay out funds") == ["payout", "fund"]
    assert index._query_tokens("put in invoices") == ["put", "invoic"]  # "putin" is no word of the API's


def test_a_word_the_stemmer_keeps_apart_from_its_longer_form_still_matches_it() -> None:
    # Snowball stems "assign" to assign but "assignees" to assigne: one letter apart, still the same word.
    index = SearchIndex(
        [
            op("GET", ISSUE, "issues/get", "Get an issue", description="A user can see an issue they are assigned."),
            op("POST", ISSUE + "/assignees", "issues/add-assignees", "Add assignees to an issue"),
            op("GET", "/classrooms/{id}/tasks", "classroom/list-tasks", "List tasks", description="Give a user a task"),
        ]
    )
    assert index._akin(["assign"]) == ["assigne"] and index._akin(["assigne"]) == ["assign"]
    assert index._akin(["issu"]) == []  # a short stem has too many longer words
    assert best(index, "assign a user to an issue")[0] == f"POST {ISSUE}/assignees"


def test_the_first_query_word_names_an_action_segment_spelt_a_little_longer() -> None:
    # `POST /assignees` assigns: "assign" names it as "pay" names `/invoices/{invoice}/pay`; a GET on it lists.
    index = SearchIndex(
        [
            op("GET", ISSUE + "/assignees", "issues/list-assignees", "List assignees of an issue"),
            op("POST", ISSUE + "/assignees", "issues/add-assignees", "Add assignees to an issue"),
        ]
    )
    assert best(index, "assign a user to an issue")[0] == f"POST {ISSUE}/assignees"


def test_a_plural_a_get_answers_with_does_not_name_an_action() -> None:
    # `GET /charges/{charge}/refunds` lists refunds; `POST` on the same path makes one: "refund a charge".
    stripe_like = [
        op("GET", "/v1/charges/{charge}/refunds", "GetChargesChargeRefunds", description="Lists a charge's refunds."),
        op("POST", "/v1/charges/{charge}/refunds", "PostChargesChargeRefunds", description="Creates a refund."),
        op("GET", "/v1/charges/{charge}", "GetChargesCharge", description="Retrieves a charge."),
    ]
    index = SearchIndex(stripe_like)
    assert [sorted(verbs) for verbs in index._op_verbs] == [[], ["charg", "refund"], []]
    assert best(index, "refund a charge")[0] == "POST /v1/charges/{charge}/refunds"
