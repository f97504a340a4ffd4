/* placeholder: certificate pickups land with the accounts feature. */
