import datetime
from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_pain_chart_fmt import GetPainChartFmt
from ...models.problem import Problem
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    user_id: str,
    fmt: GetPainChartFmt,
    *,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    elif isinstance(from_, datetime.datetime):
        json_from_ = from_.isoformat()
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    elif isinstance(to, datetime.datetime):
        json_to = to.isoformat()
    else:
        json_to = to
    params["to"] = json_to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/users/{user_id}/pain/chart.{fmt}".format(
            user_id=quote(str(user_id), safe=""),
            fmt=quote(str(fmt), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> File | Problem | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[File | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    user_id: str,
    fmt: GetPainChartFmt,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
) -> Response[File | Problem]:
    """The timeline as a chart: pain over time, sessions marked, flares in red

    Args:
        user_id (str): The tenant's id for its user
        fmt (GetPainChartFmt):
        from_ (datetime.datetime | None | Unset): ISO 8601 with zone; default: `to` minus 28 days
        to (datetime.datetime | None | Unset): ISO 8601 with zone; default: now

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[File | Problem]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        fmt=fmt,
        from_=from_,
        to=to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    user_id: str,
    fmt: GetPainChartFmt,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
) -> File | Problem | None:
    """The timeline as a chart: pain over time, sessions marked, flares in red

    Args:
        user_id (str): The tenant's id for its user
        fmt (GetPainChartFmt):
        from_ (datetime.datetime | None | Unset): ISO 8601 with zone; default: `to` minus 28 days
        to (datetime.datetime | None | Unset): ISO 8601 with zone; default: now

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        File | Problem
    """

    return sync_detailed(
        user_id=user_id,
        fmt=fmt,
        client=client,
        from_=from_,
        to=to,
    ).parsed


async def asyncio_detailed(
    user_id: str,
    fmt: GetPainChartFmt,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
) -> Response[File | Problem]:
    """The timeline as a chart: pain over time, sessions marked, flares in red

    Args:
        user_id (str): The tenant's id for its user
        fmt (GetPainChartFmt):
        from_ (datetime.datetime | None | Unset): ISO 8601 with zone; default: `to` minus 28 days
        to (datetime.datetime | None | Unset): ISO 8601 with zone; default: now

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[File | Problem]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        fmt=fmt,
        from_=from_,
        to=to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    user_id: str,
    fmt: GetPainChartFmt,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
) -> File | Problem | None:
    """The timeline as a chart: pain over time, sessions marked, flares in red

    Args:
        user_id (str): The tenant's id for its user
        fmt (GetPainChartFmt):
        from_ (datetime.datetime | None | Unset): ISO 8601 with zone; default: `to` minus 28 days
        to (datetime.datetime | None | Unset): ISO 8601 with zone; default: now

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        File | Problem
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            fmt=fmt,
            client=client,
            from_=from_,
            to=to,
        )
    ).parsed
