document.querySelector('#client')!.textContent = 'client v1'
