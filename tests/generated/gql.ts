/* eslint-disable */
import * as types from './graphql.js';
import { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query TenantOverview($first: Int = 10) {\n  currentTenant {\n    id\n    name\n    libraries(first: $first) {\n      edges {\n        node {\n          id\n          name\n          city\n          seatCount\n        }\n      }\n    }\n  }\n}\n\nquery StudentsPage($first: Int = 20, $after: String, $search: String) {\n  students(first: $first, after: $after, search: $search) {\n    edges {\n      cursor\n      node {\n        id\n        name\n        phone\n        status\n        library {\n          name\n        }\n        payments(first: 3) {\n          edges {\n            node {\n              amountPaise\n              status\n            }\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.TenantOverviewDocument,
};
const documents: Documents = {
    "query TenantOverview($first: Int = 10) {\n  currentTenant {\n    id\n    name\n    libraries(first: $first) {\n      edges {\n        node {\n          id\n          name\n          city\n          seatCount\n        }\n      }\n    }\n  }\n}\n\nquery StudentsPage($first: Int = 20, $after: String, $search: String) {\n  students(first: $first, after: $after, search: $search) {\n    edges {\n      cursor\n      node {\n        id\n        name\n        phone\n        status\n        library {\n          name\n        }\n        payments(first: 3) {\n          edges {\n            node {\n              amountPaise\n              status\n            }\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.TenantOverviewDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query TenantOverview($first: Int = 10) {\n  currentTenant {\n    id\n    name\n    libraries(first: $first) {\n      edges {\n        node {\n          id\n          name\n          city\n          seatCount\n        }\n      }\n    }\n  }\n}\n\nquery StudentsPage($first: Int = 20, $after: String, $search: String) {\n  students(first: $first, after: $after, search: $search) {\n    edges {\n      cursor\n      node {\n        id\n        name\n        phone\n        status\n        library {\n          name\n        }\n        payments(first: 3) {\n          edges {\n            node {\n              amountPaise\n              status\n            }\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query TenantOverview($first: Int = 10) {\n  currentTenant {\n    id\n    name\n    libraries(first: $first) {\n      edges {\n        node {\n          id\n          name\n          city\n          seatCount\n        }\n      }\n    }\n  }\n}\n\nquery StudentsPage($first: Int = 20, $after: String, $search: String) {\n  students(first: $first, after: $after, search: $search) {\n    edges {\n      cursor\n      node {\n        id\n        name\n        phone\n        status\n        library {\n          name\n        }\n        payments(first: 3) {\n          edges {\n            node {\n              amountPaise\n              status\n            }\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;