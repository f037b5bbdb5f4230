package io.tidelog.service.admin;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every admin error response.
 *
 * @param error what is wrong, for a person
 * @param field the request field, parameter or path variable at fault, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String field) {
}
