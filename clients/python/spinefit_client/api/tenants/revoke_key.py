from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.revoked_key import RevokedKey
from ...types import Response


def _get_kwargs(
    tenant_id: str,
    key_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/admin/v1/tenants/{tenant_id}/keys/{key_id}".format(
            tenant_id=quote(str(tenant_id), safe=""),
            key_id=quote(str(key_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RevokedKey | None:
    if response.status_code == 200:
        response_200 = RevokedKey.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | RevokedKey]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    tenant_id: str,
    key_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | RevokedKey]:
    """Revoke an API key; answers once every running service refuses it (or after 5 s)

    Args:
        tenant_id (str): The tenant's id (`tn_...`)
        key_id (str): The key's id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RevokedKey]
    """

    kwargs = _get_kwargs(
        tenant_id=tenant_id,
        key_id=key_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    tenant_id: str,
    key_id: str,
    *,
    client: AuthenticatedClient,
) -> Problem | RevokedKey | None:
    """Revoke an API key; answers once every running service refuses it (or after 5 s)

    Args:
        tenant_id (str): The tenant's id (`tn_...`)
        key_id (str): The key's id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RevokedKey
    """

    return sync_detailed(
        tenant_id=tenant_id,
        key_id=key_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    tenant_id: str,
    key_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | RevokedKey]:
    """Revoke an API key; answers once every running service refuses it (or after 5 s)

    Args:
        tenant_id (str): The tenant's id (`tn_...`)
        key_id (str): The key's id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RevokedKey]
    """

    kwargs = _get_kwargs(
        tenant_id=tenant_id,
        key_id=key_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    tenant_id: str,
    key_id: str,
    *,
    client: AuthenticatedClient,
) -> Problem | RevokedKey | None:
    """Revoke an API key; answers once every running service refuses it (or after 5 s)

    Args:
        tenant_id (str): The tenant's id (`tn_...`)
        key_id (str): The key's id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RevokedKey
    """

    return (
        await asyncio_detailed(
            tenant_id=tenant_id,
            key_id=key_id,
            client=client,
        )
    ).parsed
